// Tests of `skein send`: how typed text becomes request bytes, and the exchange against a loopback stub
// (what comes back is copied exactly; the ending says why it stopped).
using System.Text;
using Skein.Bench.Send;
using Skein.Bench.Tests.Stubs;

namespace Skein.Bench.Tests.Send;

public sealed class RawRequestTests
{
    [Theory]
    [InlineData("GET / HTTP/1.1", "GET / HTTP/1.1\r\n\r\n")]
    [InlineData(@"GET / HTTP/1.1\r\nHost: x", "GET / HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData(@"GET / HTTP/1.1\r\nHost: x\r\n", "GET / HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData(@"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData(@"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi", "POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi")]
    [InlineData(@"G\x00T\t\\ \q", "G\0T\t\\ \\q\r\n\r\n")]
    public void Escapes_are_decoded_and_the_head_is_ended(string typed, string expected)
    {
        Assert.Equal(expected, Encoding.Latin1.GetString(RawRequest.Build(typed)));
    }

    [Fact]
    public void A_broken_hex_escape_is_a_format_error()
    {
        Assert.Throws<FormatException>(() => RawRequest.Build(@"GET \xZZ"));
    }

    [Fact]
    public async Task With_keep_open_the_response_is_copied_exactly_until_the_server_closes()
    {
        const string response = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
        string? seen = null;
        await using var server = new StubServer(async (c, ct) =>
        {
            seen = await c.ReadRequestAsync(ct);
            await c.Socket.SendAsync(Encoding.ASCII.GetBytes(response), ct);
        });
        using var output = new MemoryStream();
        var result = await RawSender.SendAsync("127.0.0.1", server.Port, RawRequest.Build(@"GET /x HTTP/1.1\r\nHost: y"), output, TimeSpan.FromSeconds(10), keepOpen: true)
            .WaitAsync(TestTimeouts.Default);

        Assert.Equal(SendEnding.ServerClosed, result.Ending);
        Assert.Equal(response, Encoding.ASCII.GetString(output.ToArray()));
        Assert.Equal(response.Length, result.BytesReceived);
        Assert.Equal("GET /x HTTP/1.1\r\nHost: y", seen);
    }

    // The server keeps each connection open after answering (keep-alive), as the README's example meets it; an
    // idle timeout far beyond the test's deadline shows the exchange ended on the response, not on silence.
    [Theory]
    [InlineData("GET / HTTP/1.1", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")]
    [InlineData("GET / HTTP/1.1", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")]
    [InlineData("GET / HTTP/1.1", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")]
    [InlineData("HEAD / HTTP/1.1", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")]
    public async Task One_complete_response_ends_the_exchange(string request, string response)
    {
        await using var server = new StubServer(async (c, ct) =>
        {
            await c.ReadRequestAsync(ct);
            // Byte by byte: the end of the response must be found across reads too.
            foreach (var b in Encoding.ASCII.GetBytes(response))
            {
                await c.Socket.SendAsync(new[] { b }, ct);
            }
            await Task.Delay(Timeout.Infinite, ct); // keep-alive: the connection stays open
        });
        using var output = new MemoryStream();
        var result = await RawSender.SendAsync("127.0.0.1", server.Port, RawRequest.Build(request + @"\r\nHost: x"), output, TimeSpan.FromHours(1))
            .WaitAsync(TestTimeouts.Default);

        Assert.Equal(SendEnding.Complete, result.Ending);
        Assert.Equal(response, Encoding.ASCII.GetString(output.ToArray()));
    }

    [Fact]
    public async Task A_silent_server_ends_the_exchange_after_the_timeout()
    {
        await using var server = new StubServer(async (c, ct) =>
        {
            await c.ReadRequestAsync(ct);
            await c.Socket.SendAsync("HTTP/1.1 200 OK\r\n"u8.ToArray(), ct);
            await Task.Delay(Timeout.Infinite, ct); // the behaviour under test: say no more, never close
        });
        using var output = new MemoryStream();
        var result = await RawSender.SendAsync("127.0.0.1", server.Port, RawRequest.Build("GET / HTTP/1.1"), output, TimeSpan.FromSeconds(2))
            .WaitAsync(TestTimeouts.Default);

        Assert.Equal(SendEnding.TimedOut, result.Ending);
        Assert.Equal("HTTP/1.1 200 OK\r\n", Encoding.ASCII.GetString(output.ToArray()));
    }
}
