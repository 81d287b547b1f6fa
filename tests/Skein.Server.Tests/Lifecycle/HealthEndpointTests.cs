// The health check as a load balancer sees it: 200 "ok" while serving, 503 "draining" (with Connection: close)
// once shutdown began, 405 for other methods, and nothing at all when turned off (the path is then the
// application's). In-process, over loopback sockets.
using Skein.Server.Models;
using Skein.Testing;

namespace Skein.Server.Tests.Lifecycle;

public sealed class HealthEndpointTests : IDisposable
{
    private readonly TestHandler _handler = new();

    public void Dispose() => _handler.Dispose();

    [Fact]
    public async Task Answers_200_ok_that_no_cache_keeps_and_HEAD_alike()
    {
        await using var server = InProcessModels.Start(ConcurrencyModel.Async, _handler);
        var response = await RawClient.GetAsync(server.Port, "/healthz");
        Assert.Equal(200, response.Status);
        Assert.Equal("ok\n", response.Text);
        Assert.Equal("no-store", response.Header("Cache-Control"));

        using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nPOST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        var head = await client.ReadResponseAsync(head: true);
        Assert.Equal(200, head.Status);
        Assert.Empty(head.Body);
        var post = await client.ReadResponseAsync();
        Assert.Equal(405, post.Status);
        Assert.Equal("GET, HEAD", post.Header("Allow"));
    }

    [Theory]
    [MemberData(nameof(InProcessModels.All), MemberType = typeof(InProcessModels))]
    public async Task Answers_503_draining_once_shutdown_began(ConcurrencyModel model)
    {
        var server = InProcessModels.Start(model, _handler);
        await using (server)
        {
            // A check already on its way when shutdown begins (its head half sent: the connection is active).
            using var client = await RawClient.ConnectAsync(server.Port);
            await client.SendAsync("GET /healthz HTTP/1.1\r\nHost: x\r\n");
            await Deadline.UntilAsync(() => server.Server.Connections.Snapshot().Any(c => c.State == Skein.Server.Lifecycle.ConnectionState.Active),
                Deadline.Default, "the check to be read");

            var stopped = server.StopAsync();
            await client.SendAsync("\r\n");
            var response = await client.ReadResponseAsync();

            Assert.Equal(503, response.Status);
            Assert.Equal("draining\n", response.Text);
            Assert.True(response.ConnectionClose);
            Assert.Equal(0, await stopped);
        }
    }

    [Fact]
    public async Task Turned_off_the_path_is_the_applications()
    {
        await using var server = InProcessModels.Start(ConcurrencyModel.Async, _handler, o => o with { HealthPath = null });
        Assert.Equal(404, (await RawClient.GetAsync(server.Port, "/healthz")).Status); // the test handler knows no such path
    }

    [Fact]
    public async Task Follows_the_path_it_is_given()
    {
        await using var server = InProcessModels.Start(ConcurrencyModel.Async, _handler, o => o with { HealthPath = "/lb/alive" });
        Assert.Equal(200, (await RawClient.GetAsync(server.Port, "/lb/alive")).Status);
        Assert.Equal(404, (await RawClient.GetAsync(server.Port, "/healthz")).Status);
    }
}
