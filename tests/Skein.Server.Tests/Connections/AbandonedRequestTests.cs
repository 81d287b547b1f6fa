// Clients that hang up while their request's handler is still waiting: the handler's cancellation token
// fires (the test handler's /sleep then ends), even when the client had pipelined more bytes than the
// server would ever read ahead, and a handler that finishes normally leaves the connection usable.
using Skein.Server.Models;
using Skein.Testing;

namespace Skein.Server.Tests.Connections;

public sealed class AbandonedRequestTests : IDisposable
{
    private readonly TestHandler _handler = new();

    public static TheoryData<ConcurrencyModel> Models => InProcessModels.All;

    public void Dispose() => _handler.Dispose();

    [Theory]
    [MemberData(nameof(Models))]
    public async Task A_client_hanging_up_cancels_its_waiting_handler_and_the_next_client_is_served(ConcurrencyModel model)
    {
        await using var server = InProcessModels.Start(model, _handler);
        using (var client = await RawClient.ConnectAsync(server.Port))
        {
            await client.SendAsync("GET /sleep?ms=600000 HTTP/1.1\r\nHost: x\r\n\r\n");
            await Deadline.UntilAsync(() => _handler.Sleeping == 1, Deadline.Default, "the request in its handler");
        }
        await Deadline.UntilAsync(() => _handler.Sleeping == 0, TimeSpan.FromSeconds(5), "the handler cancelled");
        Assert.Equal(200, (await RawClient.GetAsync(server.Port, "/")).Status); // single: its one thread is free again
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task A_hang_up_is_noticed_behind_pipelined_bytes_the_server_has_not_read(ConcurrencyModel model)
    {
        await using var server = InProcessModels.Start(model, _handler);
        using (var client = await RawClient.ConnectAsync(server.Port))
        {
            // The next request's body is larger than the largest input buffer (41 KiB): it stays unread in the
            // kernel, so only a check that reads nothing can see the hang-up behind it. (It fits the kernel's
            // receive buffer: a FIN behind bytes the receiver has no room for is never sent at all.)
            await client.SendAsync("GET /sleep?ms=600000 HTTP/1.1\r\nHost: x\r\n\r\n" +
                "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 48000\r\n\r\n" + new string('b', 48_000));
            await Deadline.UntilAsync(() => _handler.Sleeping == 1, Deadline.Default, "the request in its handler");
        }
        await Deadline.UntilAsync(() => _handler.Sleeping == 0, TimeSpan.FromSeconds(5), "the handler cancelled");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Waiting_handlers_that_finish_leave_the_connection_usable(ConcurrencyModel model)
    {
        await using var server = InProcessModels.Start(model, _handler);
        using var client = await RawClient.ConnectAsync(server.Port);
        for (var i = 0; i < 3; i++)
        {
            await client.SendAsync("GET /sleep?ms=20 HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.Equal("slept\n", (await client.ReadResponseAsync()).Text);
        }
        await client.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nping");
        Assert.Equal("ping", (await client.ReadResponseAsync()).Text);
    }
}
