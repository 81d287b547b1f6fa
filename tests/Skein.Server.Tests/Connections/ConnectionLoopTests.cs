// The request cycle over real loopback sockets, for each in-process model: keep-alive, pipelining, HEAD,
// 100-continue, handler failures, every response body kind, unread request bodies. Assertions are on the
// bytes a client receives.
using System.Text;
using Skein.Server.Models;
using Skein.Testing;

namespace Skein.Server.Tests.Connections;

public sealed class ConnectionLoopTests : IDisposable
{
    private readonly TestHandler _handler = new();

    public static TheoryData<ConcurrencyModel> Models => InProcessModels.All;

    public void Dispose() => _handler.Dispose();

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Keep_alive_serves_several_requests_on_one_connection(ConcurrencyModel model)
    {
        await using var server = InProcessModels.Start(model, _handler);
        using var client = await RawClient.ConnectAsync(server.Port);
        for (var i = 0; i < 3; i++)
        {
            await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            var response = await client.ReadResponseAsync();
            Assert.Equal(200, response.Status);
            Assert.Equal("hello\n", response.Text);
            Assert.False(response.ConnectionClose);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Pipelined_requests_get_responses_in_order(ConcurrencyModel model)
    {
        await using var server = InProcessModels.Start(model, _handler);
        using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync(
            "GET /sleep?ms=100 HTTP/1.1\r\nHost: x\r\n\r\n" +
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfirst" +
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n" +
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nsec\r\n3\r\nond\r\n0\r\n\r\n");
        Assert.Equal("slept\n", (await client.ReadResponseAsync()).Text);
        Assert.Equal("first", (await client.ReadResponseAsync()).Text);
        Assert.Equal("hello\n", (await client.ReadResponseAsync()).Text);
        Assert.Equal("second", (await client.ReadResponseAsync()).Text);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Handler_exception_is_a_500_for_that_request_only(ConcurrencyModel model)
    {
        await using var server = InProcessModels.Start(model, _handler);
        using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync("GET /throw HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(500, (await client.ReadResponseAsync()).Status);
        Assert.Equal(200, (await client.ReadResponseAsync()).Status);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Head_gets_the_head_without_the_body(ConcurrencyModel model)
    {
        await using var server = InProcessModels.Start(model, _handler);
        using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync("HEAD /file HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
        var head = await client.ReadResponseAsync(head: true);
        Assert.Equal(200, head.Status);
        Assert.Equal(_handler.FileBytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), head.Header("Content-Length"));
        Assert.Equal("hello\n", (await client.ReadResponseAsync()).Text); // no body bytes came in between
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Continue_is_sent_when_the_handler_reads_the_body(ConcurrencyModel model)
    {
        await using var server = InProcessModels.Start(model, _handler);
        using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
        var buffer = new byte[64];
        var read = await client.Socket.ReceiveAsync(buffer).WaitAsync(Deadline.Default);
        Assert.StartsWith("HTTP/1.1 100 Continue\r\n", Encoding.ASCII.GetString(buffer, 0, read));
        await client.SendAsync("ping");
        Assert.Equal("ping", (await client.ReadResponseAsync()).Text);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Without_reading_the_body_no_continue_is_sent_and_the_connection_closes(ConcurrencyModel model)
    {
        await using var server = InProcessModels.Start(model, _handler);
        using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync("POST /ignore-body HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.True(response.ConnectionClose);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task A_small_unread_body_is_drained_and_the_connection_kept(ConcurrencyModel model)
    {
        await using var server = InProcessModels.Start(model, _handler);
        using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync("POST /ignore-body HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        var first = await client.ReadResponseAsync();
        Assert.False(first.ConnectionClose);
        Assert.Equal("hello\n", (await client.ReadResponseAsync()).Text);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Every_body_kind_arrives_intact(ConcurrencyModel model)
    {
        await using var server = InProcessModels.Start(model, _handler);
        using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync("GET /file HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(_handler.FileBytes, (await client.ReadResponseAsync()).Body);
        await client.SendAsync("GET /range HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(_handler.FileBytes.AsSpan(1000, 5000).ToArray(), (await client.ReadResponseAsync()).Body);
        await client.SendAsync("GET /stream-body HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(_handler.FileBytes, (await client.ReadResponseAsync()).Body);
        await client.SendAsync("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
        var chunked = await client.ReadResponseAsync();
        Assert.Equal("chunked", chunked.Header("Transfer-Encoding"));
        Assert.Equal("one two three", chunked.Text);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Response_asking_to_close_closes(ConcurrencyModel model)
    {
        await using var server = InProcessModels.Start(model, _handler);
        using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync("GET /close HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.True((await client.ReadResponseAsync()).ConnectionClose);
        Assert.True(await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task Every_bad_request_is_answered_once_and_closed_and_the_next_client_is_served()
    {
        await using var server = InProcessModels.Start(ConcurrencyModel.Async, _handler);
        await BadRequests.AssertEachAnsweredOnceThenClosedAsync(server.Port, "async");
    }
}
