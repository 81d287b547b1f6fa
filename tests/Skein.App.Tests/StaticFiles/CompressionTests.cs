// Handler-level tests of content coding: gzip and Brotli per Accept-Encoding for compressible types, Vary,
// distinct entity-tags per coding, no coding for already-compressed types, tiny bodies or when disabled,
// and compressed variants cached rather than recomputed.
using System.IO.Compression;
using System.Text;
using Skein.App.Tests.Support;
using Skein.Http.Application;

namespace Skein.App.Tests.StaticFiles;

public sealed class CompressionTests : IDisposable
{
    private readonly TestSite _site = new();
    private readonly string _text = string.Concat(Enumerable.Repeat("Skein serves text that compresses well. ", 200));

    public CompressionTests()
    {
        _site.Write("big.txt", _text);
        _site.Write("app.js", _text);
        _site.Write("tiny.txt", "short");
        _site.Write("photo.png", Encoding.ASCII.GetBytes(_text));
    }

    public void Dispose() => _site.Dispose();

    [Fact]
    public async Task Brotli_when_preferred()
    {
        var response = await _site.Create().GetAsync("/big.txt", "Accept-Encoding: gzip, deflate, br, zstd");
        Assert.Equal(200, response.Status);
        Assert.Equal("br", response.Headers.Get("Content-Encoding"));
        Assert.Equal("Accept-Encoding", response.Headers.Get("Vary"));
        var coded = await Requests.ReadBodyAsync(response);
        Assert.True(coded.Length < _text.Length / 10);
        using var brotli = new BrotliStream(new MemoryStream(coded), CompressionMode.Decompress);
        Assert.Equal(_text, await new StreamReader(brotli).ReadToEndAsync());
    }

    [Fact]
    public async Task Gzip_when_that_is_what_is_accepted()
    {
        var response = await _site.Create().GetAsync("/app.js", "Accept-Encoding: gzip");
        Assert.Equal("gzip", response.Headers.Get("Content-Encoding"));
        using var gzip = new GZipStream(new MemoryStream(await Requests.ReadBodyAsync(response)), CompressionMode.Decompress);
        Assert.Equal(_text, await new StreamReader(gzip).ReadToEndAsync());
    }

    [Fact]
    public async Task Identity_without_accept_encoding_but_still_vary()
    {
        var response = await _site.Create().GetAsync("/big.txt");
        Assert.Null(response.Headers.Get("Content-Encoding"));
        Assert.Equal("Accept-Encoding", response.Headers.Get("Vary"));
        Assert.Equal(_text, await Requests.ReadTextAsync(response));
    }

    [Fact]
    public async Task Identity_when_codings_are_refused()
    {
        var response = await _site.Create().GetAsync("/big.txt", "Accept-Encoding: br;q=0, gzip;q=0");
        Assert.Null(response.Headers.Get("Content-Encoding"));
    }

    [Theory]
    [InlineData("/photo.png")]
    [InlineData("/tiny.txt")]
    public async Task Never_for_compressed_types_or_tiny_bodies(string target)
    {
        var response = await _site.Create().GetAsync(target, "Accept-Encoding: gzip, br");
        Assert.Null(response.Headers.Get("Content-Encoding"));
        Assert.Null(response.Headers.Get("Vary"));
    }

    [Fact]
    public async Task Never_when_disabled()
    {
        var response = await _site.Create(o => o with { Compression = false }).GetAsync("/big.txt", "Accept-Encoding: gzip, br");
        Assert.Null(response.Headers.Get("Content-Encoding"));
        Assert.Null(response.Headers.Get("Vary"));
    }

    [Fact]
    public async Task Each_coding_has_its_own_etag_and_revalidates()
    {
        var handler = _site.Create();
        var identity = (await handler.GetAsync("/big.txt")).Headers.Get("ETag")!;
        var brotli = (await handler.GetAsync("/big.txt", "Accept-Encoding: br")).Headers.Get("ETag")!;
        var gzip = (await handler.GetAsync("/big.txt", "Accept-Encoding: gzip")).Headers.Get("ETag")!;
        Assert.Equal(3, new[] { identity, brotli, gzip }.Distinct().Count());

        var notModified = await handler.GetAsync("/big.txt", "Accept-Encoding: br", $"If-None-Match: {brotli}");
        Assert.Equal(304, notModified.Status);
        Assert.Equal("Accept-Encoding", notModified.Headers.Get("Vary"));
        // The identity tag does not validate the Brotli representation.
        Assert.Equal(200, (await handler.GetAsync("/big.txt", "Accept-Encoding: br", $"If-None-Match: {identity}")).Status);
    }

    [Fact]
    public async Task Compressed_variants_are_cached()
    {
        var handler = _site.Create();
        var first = Assert.IsType<BytesBody>((await handler.GetAsync("/big.txt", "Accept-Encoding: br")).Body);
        var second = Assert.IsType<BytesBody>((await handler.GetAsync("/big.txt", "Accept-Encoding: br")).Body);
        Assert.Same(first, second);
    }

    [Fact]
    public async Task Files_too_large_to_cache_are_sent_uncompressed()
    {
        var response = await _site.Create(o => o with { MaxCachedFileBytes = 1000 }).GetAsync("/big.txt", "Accept-Encoding: br");
        Assert.Null(response.Headers.Get("Content-Encoding"));
        Assert.IsType<FileBody>(response.Body);
    }
}
