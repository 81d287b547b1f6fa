// Handler-level tests of byte ranges (RFC 9110 §14): 206 with Content-Range, suffix and open ranges, 416,
// multiple ranges served whole, If-Range with dates and entity-tags, ranges of files on disk.
using System.Text;
using Skein.App.Tests.Support;
using Skein.Http.Application;

namespace Skein.App.Tests.StaticFiles;

public sealed class RangeRequestTests : IDisposable
{
    private readonly TestSite _site = new();
    private readonly byte[] _content = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 100).Select(i => $"{i:D4}|")));
    private readonly IHttpHandler _handler;

    public RangeRequestTests()
    {
        _site.Write("data.txt", _content);
        _handler = _site.Create();
    }

    public void Dispose() => _site.Dispose();

    [Theory]
    [InlineData("bytes=0-9", 0, 10)]
    [InlineData("bytes=495-", 495, 5)]
    [InlineData("bytes=-7", 493, 7)]
    [InlineData("bytes=490-10000", 490, 10)]
    [InlineData("bytes=-100000", 0, 500)]
    public async Task A_single_range_is_206_with_content_range(string range, int start, int length)
    {
        var response = await _handler.GetAsync("/data.txt", $"Range: {range}", "Accept-Encoding: gzip, br");
        Assert.Equal(206, response.Status);
        Assert.Equal($"bytes {start}-{start + length - 1}/500", response.Headers.Get("Content-Range"));
        Assert.Null(response.Headers.Get("Content-Encoding"));
        Assert.Equal(_content.AsSpan(start, length).ToArray(), await Requests.ReadBodyAsync(response));
    }

    [Theory]
    [InlineData("bytes=500-")]
    [InlineData("bytes=600-700")]
    [InlineData("bytes=-0")]
    public async Task An_unsatisfiable_range_is_416_with_the_length(string range)
    {
        var response = await _handler.GetAsync("/data.txt", $"Range: {range}");
        Assert.Equal(416, response.Status);
        Assert.Equal("bytes */500", response.Headers.Get("Content-Range"));
    }

    [Theory]
    [InlineData("bytes=0-1,5-6")]
    [InlineData("bytes=9-1")]
    [InlineData("lines=1-2")]
    [InlineData("bytes=x-y")]
    public async Task Multiple_invalid_or_foreign_ranges_get_the_whole_file(string range)
    {
        var response = await _handler.GetAsync("/data.txt", $"Range: {range}");
        Assert.Equal(200, response.Status);
        Assert.Null(response.Headers.Get("Content-Range"));
        Assert.Equal(_content, await Requests.ReadBodyAsync(response));
    }

    [Fact]
    public async Task Head_ignores_range()
    {
        var response = await _handler.SendAsync(Requests.Make("HEAD", "/data.txt", "Range: bytes=0-9"));
        Assert.Equal(200, response.Status);
        Assert.Equal(500, response.Body.Length);
    }

    [Fact]
    public async Task If_range_with_the_current_etag_or_date_gets_the_range()
    {
        var full = await _handler.GetAsync("/data.txt");
        var byTag = await _handler.GetAsync("/data.txt", "Range: bytes=0-3", $"If-Range: {full.Headers.Get("ETag")}");
        Assert.Equal(206, byTag.Status);
        var byDate = await _handler.GetAsync("/data.txt", "Range: bytes=0-3", $"If-Range: {full.Headers.Get("Last-Modified")}");
        Assert.Equal(206, byDate.Status);
    }

    // Any day of the week: a Wednesday's date starts with "W", as a weak entity-tag does ("W/").
    [Theory]
    [InlineData("2026-11-29")]
    [InlineData("2026-11-30")]
    [InlineData("2026-12-01")]
    [InlineData("2026-12-02")]
    [InlineData("2026-12-03")]
    [InlineData("2026-12-04")]
    [InlineData("2026-12-05")]
    public async Task If_range_with_the_date_gets_the_range_on_any_weekday(string day)
    {
        File.SetLastWriteTimeUtc(Path.Combine(_site.Root, "data.txt"), DateTime.Parse(day).AddHours(9.5));
        var handler = _site.Create();
        var lastModified = (await handler.GetAsync("/data.txt")).Headers.Get("Last-Modified");
        Assert.StartsWith(DateTime.Parse(day).DayOfWeek.ToString()[..3], lastModified);
        var response = await handler.GetAsync("/data.txt", "Range: bytes=0-3", $"If-Range: {lastModified}");
        Assert.Equal(206, response.Status);
        Assert.Equal(_content.AsSpan(0, 4).ToArray(), await Requests.ReadBodyAsync(response));
    }

    [Theory]
    [InlineData("\"stale\"")]
    [InlineData("W/{0}")]
    [InlineData("Mon, 01 Jan 2001 00:00:00 GMT")]
    [InlineData("rubbish")]
    public async Task If_range_that_does_not_match_gets_the_whole_file(string ifRange)
    {
        var etag = (await _handler.GetAsync("/data.txt")).Headers.Get("ETag");
        var response = await _handler.GetAsync("/data.txt", "Range: bytes=0-3", $"If-Range: {string.Format(ifRange, etag)}");
        Assert.Equal(200, response.Status);
        Assert.Equal(_content, await Requests.ReadBodyAsync(response));
    }

    [Fact]
    public async Task Ranges_of_large_files_are_file_regions()
    {
        var big = new byte[200_000];
        new Random(3).NextBytes(big);
        _site.Write("big.bin", big);
        var handler = _site.Create(o => o with { MaxCachedFileBytes = 1000 });
        var response = await handler.GetAsync("/big.bin", "Range: bytes=150000-150099");
        Assert.Equal(206, response.Status);
        var file = Assert.IsType<FileBody>(response.Body);
        Assert.Equal(150_000, file.Offset);
        Assert.Equal(100, file.Length);
        Assert.Equal(big.AsSpan(150_000, 100).ToArray(), await Requests.ReadBodyAsync(response));
    }

    [Fact]
    public async Task An_empty_file_cannot_satisfy_a_range()
    {
        _site.Write("empty.txt", "");
        var response = await _handler.GetAsync("/empty.txt", "Range: bytes=0-");
        Assert.Equal(416, response.Status);
        Assert.Equal("bytes */0", response.Headers.Get("Content-Range"));
    }
}
