// The site over real loopback sockets with the async model: traversal attempts as raw bytes (the secret beside
// the root never appears in any response), the main static-file behaviours and the endpoints as a client sees them.
using System.IO.Compression;
using System.Text;
using Skein.App.Tests.StaticFiles;
using Skein.App.Tests.Support;

namespace Skein.App.Tests.Loopback;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes both in IAsyncLifetime.DisposeAsync.")]
public sealed class LoopbackSiteTests : IAsyncLifetime
{
    private readonly TestSite _site = new();
    private LoopbackSite _server = null!;

    public Task InitializeAsync()
    {
        _site.Write("docs/index.html", "docs index");
        _site.Write("notes.txt", string.Concat(Enumerable.Repeat("compressible text line\n", 200)));
        var big = new byte[3_000_000];
        new Random(9).NextBytes(big);
        _site.Write("big.bin", big);
        File.CreateSymbolicLink(Path.Combine(_site.Root, "escape.txt"), Path.Combine(_site.Base, "secret.txt"));
        _server = new LoopbackSite(_site.Root);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _site.Dispose();
    }

    [Fact]
    public async Task No_traversal_attempt_reaches_the_secret_over_the_wire()
    {
        var targets = TraversalTests.AttackTargets.Append("/escape.txt").Append("/%2e%2e/%2e%2e/secret.txt");
        foreach (var target in targets)
        {
            var response = await _server.ExchangeAsync($"GET {target} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
            var text = Encoding.Latin1.GetString(response);
            Assert.DoesNotContain(TestSite.Secret, text);
            var (status, _, _) = LoopbackSite.Split(response);
            Assert.True(status is 400 or 404, $"{target}: {status}");
        }
        // And the server still serves the next client.
        Assert.Equal(200, LoopbackSite.Split(await _server.ExchangeAsync("GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")).Status);
    }

    [Fact]
    public async Task Dot_segments_are_removed_before_routing_over_the_wire()
    {
        var file = LoopbackSite.Split(await Get("/docs/../notes.txt"));
        Assert.Equal(200, file.Status);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_site.Root, "notes.txt")), file.Body);
        Assert.Equal("docs index", Encoding.UTF8.GetString(LoopbackSite.Split(await Get("/docs/%2E/")).Body));
        Assert.Equal(200, LoopbackSite.Split(await Get("/x/%2e%2E/waiters")).Status);

        foreach (var target in new[] { "/../notes.txt", "/docs/../../notes.txt", "/%2e%2e/notes.txt" })
        {
            var (status, head, _) = LoopbackSite.Split(await Get(target));
            Assert.Equal(400, status);
            Assert.Contains("Connection: close", head);
        }
    }

    [Fact]
    public async Task Static_files_as_a_client_sees_them()
    {
        var (status, head, body) = LoopbackSite.Split(await Get("/"));
        Assert.Equal(200, status);
        Assert.Contains("Content-Type: text/html; charset=utf-8", head);
        Assert.Contains("home page", Encoding.UTF8.GetString(body));
        var etag = head.Split("\r\n").Single(line => line.StartsWith("ETag: ", StringComparison.Ordinal))[6..];

        Assert.Equal(304, LoopbackSite.Split(await Get("/", $"If-None-Match: {etag}")).Status);
        var redirect = LoopbackSite.Split(await Get("/docs"));
        Assert.Equal(301, redirect.Status);
        Assert.Contains("Location: /docs/", redirect.Head);

        var range = LoopbackSite.Split(await Get("/big.bin", "Range: bytes=1000-1999"));
        Assert.Equal(206, range.Status);
        Assert.Contains("Content-Range: bytes 1000-1999/3000000", range.Head);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_site.Root, "big.bin")).AsSpan(1000, 1000).ToArray(), range.Body);

        var whole = LoopbackSite.Split(await Get("/big.bin"));
        Assert.Equal(3_000_000, whole.Body.Length);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_site.Root, "big.bin")), whole.Body);

        var coded = LoopbackSite.Split(await Get("/notes.txt", "Accept-Encoding: br"));
        Assert.Contains("Content-Encoding: br", coded.Head);
        using var brotli = new BrotliStream(new MemoryStream(coded.Body), CompressionMode.Decompress);
        Assert.Equal(File.ReadAllText(Path.Combine(_site.Root, "notes.txt")), await new StreamReader(brotli).ReadToEndAsync());

        var refused = LoopbackSite.Split(await _server.ExchangeAsync("DELETE /index.html HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
        Assert.Equal(405, refused.Status);
        Assert.Contains("Allow: GET, HEAD, OPTIONS", refused.Head);
    }

    [Fact]
    public async Task Waiters_are_released_by_notify_over_the_wire()
    {
        const int waiters = 50;
        var pending = Enumerable.Range(0, waiters).Select(_ => Get("/wait")).ToArray();
        await Deadline.UntilAsync(async () => Encoding.ASCII.GetString(LoopbackSite.Split(await Get("/waiters")).Body) == $"{waiters}\n");
        Assert.Equal($"{waiters}\n", Encoding.ASCII.GetString(LoopbackSite.Split(await Get("/notify")).Body));
        foreach (var response in await Task.WhenAll(pending))
        {
            Assert.Equal($"{waiters}\n", Encoding.ASCII.GetString(LoopbackSite.Split(response).Body));
        }
    }

    [Fact]
    public async Task Echo_returns_a_short_chunked_body_decoded()
    {
        var response = await _server.ExchangeAsync(
            "POST /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n");
        var (status, head, body) = LoopbackSite.Split(response);
        Assert.Equal(200, status);
        // A short body may come back with Content-Length or chunked: either way the client reads "hello world".
        Assert.Equal("hello world", Encoding.ASCII.GetString(Unchunk(head, body)));
    }

    [Fact]
    public async Task Echo_streams_a_large_chunked_body_back_chunked()
    {
        var payload = new byte[300_000];
        new Random(5).NextBytes(payload);
        var request = new MemoryStream();
        request.Write(Encoding.ASCII.GetBytes("POST /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"));
        foreach (var piece in payload.Chunk(40_000))
        {
            request.Write(Encoding.ASCII.GetBytes($"{piece.Length:x}\r\n"));
            request.Write(piece);
            request.Write("\r\n"u8);
        }
        request.Write("0\r\n\r\n"u8);
        var (status, head, body) = LoopbackSite.Split(await _server.ExchangeAsync(request.ToArray()));
        Assert.Equal(200, status);
        // Larger than the echo keeps in memory, and of unknown length: it is streamed, so HTTP/1.1 frames it chunked.
        Assert.Contains("Transfer-Encoding: chunked", head);
        Assert.Equal(payload, Unchunk(head, body));
    }

    // Decodes a chunked body when the head says so (extensions and trailers are not expected from Skein).
    private static byte[] Unchunk(string head, byte[] body)
    {
        if (!head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            return body;
        }
        var output = new MemoryStream();
        var at = 0;
        while (true)
        {
            var lineEnd = body.AsSpan(at).IndexOf("\r\n"u8);
            var size = Convert.ToInt32(Encoding.ASCII.GetString(body, at, lineEnd), 16);
            at += lineEnd + 2;
            if (size == 0)
            {
                return output.ToArray();
            }
            output.Write(body, at, size);
            at += size + 2;
        }
    }

    private Task<byte[]> Get(string target, params string[] headers)
        => _server.ExchangeAsync($"GET {target} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n{string.Concat(headers.Select(h => h + "\r\n"))}\r\n");
}
