// Shutdown without losing the request of a keep-alive client that sends it just as shutdown begins (a benchmark's
// closed loop, a proxy reusing a pooled connection): its connection had just become idle, so it is not closed at
// once (ShutdownCoordinator.QuietBeforeClose) and the request is answered, with Connection: close. A connection
// idle for longer is closed at once, as before. In-process, for each model.
using Skein.Server.Lifecycle;
using Skein.Server.Models;
using Skein.Testing;

namespace Skein.Server.Tests.Lifecycle;

public sealed class QuietCloseTests : IDisposable
{
    private readonly TestHandler _handler = new();

    public void Dispose() => _handler.Dispose();

    [Theory]
    [MemberData(nameof(InProcessModels.All), MemberType = typeof(InProcessModels))]
    public async Task A_request_sent_as_shutdown_begins_on_a_just_idle_connection_is_answered_with_close(ConcurrencyModel model)
    {
        var server = InProcessModels.Start(model, _handler);
        await using (server)
        {
            using var client = await RawClient.ConnectAsync(server.Port);
            await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.Equal(200, (await client.ReadResponseAsync()).Status);

            var stopped = server.StopAsync();
            await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"); // the closed loop's next request
            var response = await client.ReadResponseAsync();

            Assert.Equal(200, response.Status);
            Assert.True(response.ConnectionClose);
            Assert.True(await client.WaitForCloseAsync(Deadline.Default));
            Assert.Equal(0, await stopped);
        }
    }

    [Fact]
    public async Task A_connection_idle_for_longer_is_closed_at_once()
    {
        var server = InProcessModels.Start(ConcurrencyModel.Async, _handler);
        await using (server)
        {
            using var client = await RawClient.ConnectAsync(server.Port);
            await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.Equal(200, (await client.ReadResponseAsync()).Status);
            await Deadline.UntilAsync(() => server.Server.Connections.Snapshot().All(c => c.QuietFor > ShutdownCoordinator.QuietBeforeClose),
                Deadline.Default, "the connection to be idle for a while");

            server.Server.Shutdown.RequestStop("test");

            // Closed by the first pass, without waiting for the second: well before QuietBeforeClose passes again.
            Assert.True(await client.WaitForCloseAsync(ShutdownCoordinator.QuietBeforeClose / 2));
        }
    }
}
