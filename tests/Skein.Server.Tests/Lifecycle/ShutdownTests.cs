// Graceful shutdown as a client sees it: a request in flight completes (with Connection: close), idle
// connections are closed (once quiet for a second), the server stops accepting, and it exits 0. Once in-process for each
// model, once with the real program and a real SIGTERM.
using System.Diagnostics;
using System.Runtime.InteropServices;
using Skein.Server.Models;
using Skein.Testing;

namespace Skein.Server.Tests.Lifecycle;

[Collection(TimingSensitive.Name)]
public sealed class ShutdownTests : IDisposable
{
    private readonly TestHandler _handler = new();

    public static TheoryData<ConcurrencyModel> Models => InProcessModels.All;

    public void Dispose() => _handler.Dispose();

    [Theory]
    [MemberData(nameof(Models))]
    public async Task In_flight_requests_finish_with_close_idle_ones_are_closed_and_the_server_exits_0(ConcurrencyModel model)
    {
        var server = InProcessModels.Start(model, _handler);
        await using (server)
        {
            using var busy = await RawClient.ConnectAsync(server.Port);
            await busy.SendAsync("GET /sleep?ms=1500 HTTP/1.1\r\nHost: x\r\n\r\n");
            await Deadline.UntilAsync(() => server.Server.Connections.Snapshot().Any(c => c.State == Skein.Server.Lifecycle.ConnectionState.Active), Deadline.Default, "the request in flight");
            RawClient? idle = null;
            if (model != ConcurrencyModel.Single)
            {
                idle = await RawClient.ConnectAsync(server.Port);
                await idle.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                Assert.Equal(200, (await idle.ReadResponseAsync()).Status);
            }

            var stopped = server.StopAsync();
            if (idle is not null)
            {
                // Closed once it has been idle for QuietBeforeClose (1 s; a request arriving before is answered).
                Assert.True(await idle.WaitForCloseAsync(Skein.Server.Lifecycle.ShutdownCoordinator.QuietBeforeClose + TimeSpan.FromSeconds(2)),
                    "the idle connection was not closed");
                idle.Dispose();
            }
            var response = await busy.ReadResponseAsync();
            Assert.Equal(200, response.Status);
            Assert.Equal("slept\n", response.Text);
            Assert.True(response.ConnectionClose);
            Assert.Equal(0, await stopped);
            using var late = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            Assert.Throws<System.Net.Sockets.SocketException>(() => late.Connect(server.EndPoint)); // no longer accepting
        }
    }

    [Fact]
    public async Task The_shutdown_timeout_bounds_a_request_that_never_ends()
    {
        var server = InProcessModels.Start(ConcurrencyModel.Async, _handler, o => o with { ShutdownTimeout = TimeSpan.FromSeconds(1) });
        await using (server)
        {
            using var busy = await RawClient.ConnectAsync(server.Port);
            await busy.SendAsync("GET /sleep?ms=60000 HTTP/1.1\r\nHost: x\r\n\r\n");
            await Deadline.UntilAsync(() => _handler.Sleeping == 1, Deadline.Default, "the request in flight");
            var clock = Stopwatch.StartNew();
            Assert.Equal(0, await server.StopAsync(TimeSpan.FromSeconds(10)));
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(8));
            Assert.True(await busy.WaitForCloseAsync());
        }
    }

    [Theory]
    [InlineData("async")]
    [InlineData("thread-pool")]
    public async Task Sigterm_lets_the_request_in_flight_finish_with_200_and_exits_0(string model)
    {
        await using var skein = await SkeinProcess.StartServeAsync("-m", model, "-p", "0", "-f", SiteFolder(), "-v");
        using var client = await RawClient.ConnectAsync(skein.Port);
        await client.SendAsync("GET /io HTTP/1.1\r\nHost: x\r\n\r\n"); // /io answers after 1 s
        // The verbose log says when the request reached the handler; SIGTERM must find it in flight.
        await skein.WaitForOutputAsync("GET /io started", "the request in flight");
        skein.Signal(PosixSignal.SIGTERM);
        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.True(response.ConnectionClose);
        Assert.Equal(0, await skein.WaitForExitAsync(Deadline.Default));
    }

    [Fact]
    public async Task A_second_ctrl_c_exits_at_once()
    {
        await using var skein = await SkeinProcess.StartServeAsync("-p", "0", "-f", SiteFolder(), "-v", "--shutdown-timeout", "60");
        using var client = await RawClient.ConnectAsync(skein.Port);
        await client.SendAsync("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n"); // held until /notify: never, here
        await skein.WaitForOutputAsync("GET /wait started", "the request in flight");
        skein.Signal(PosixSignal.SIGINT);
        await skein.WaitForOutputAsync("Shutdown requested", "the graceful shutdown to begin");
        Assert.False(skein.HasExited); // the graceful shutdown waits for /wait (up to 60 s)
        var clock = Stopwatch.StartNew();
        skein.Signal(PosixSignal.SIGINT);
        var code = await skein.WaitForExitAsync(Deadline.Default);
        Assert.NotEqual(0, code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void The_listener_closes_before_the_accept_loops_are_told_to_stop()
    {
        // The other order let single's accept loop stop between two clients while the kernel went on queueing new
        // connections until the close reset them: requests sent on established connections, lost at shutdown.
        using var connections = new Skein.Server.Lifecycle.ConnectionRegistry(16);
        using var shutdown = new Skein.Server.Lifecycle.ShutdownCoordinator(connections, TimeSpan.FromSeconds(1), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var listenerClosed = false;
        var closedWhenLoopsTold = false;
        shutdown.OnStopAccepting(() => listenerClosed = true);
        using var told = shutdown.Stopping.Register(() => closedWhenLoopsTold = listenerClosed);
        Assert.True(shutdown.RequestStop("test"));
        Assert.True(closedWhenLoopsTold);
    }

    [Fact]
    public async Task Single_serves_the_connections_waiting_in_its_line_at_shutdown()
    {
        // A slow upload holds single's thread; a client taken into its line meanwhile has sent its request. Shutdown's
        // last pass closes every connection still new or idle — but not one whose request waits unread.
        await using var server = InProcessModels.Start(ConcurrencyModel.Single, _handler, o => o with { MinRequestBodyDataRate = null });
        using var uploader = await RawClient.ConnectAsync(server.Port);
        await uploader.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc");
        await Deadline.UntilAsync(() => server.Server.Connections.Snapshot().Any(c => c.State == Skein.Server.Lifecycle.ConnectionState.Active), Deadline.Default, "the upload in flight");
        using var waiting = await RawClient.ConnectAsync(server.Port);
        await waiting.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        await Deadline.UntilAsync(() => server.Server.Connections.TotalAccepted >= 2, Deadline.Default, "the second client taken into the line");

        server.Server.Shutdown.RequestStop("test");
        await Deadline.UntilAsync(() => server.Server.Connections.HasClosedAllIdle, Deadline.Default, "shutdown's last pass over idle connections");
        uploader.Dispose(); // the upload ends (unfinished): the thread takes the next in line

        var response = await waiting.ReadResponseAsync(timeout: Deadline.Default);
        Assert.Equal(200, response.Status);
        Assert.True(response.ConnectionClose);
    }

    internal static string SiteFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Skein.sln")))
            {
                return Path.Combine(dir.FullName, "www");
            }
        }
        throw new DirectoryNotFoundException("www/ not found above the test directory");
    }
}
