// The bounded one-connection-at-a-time models under slow clients, as a client sees them (issue 10): while the one
// thread (single) or every worker (process-pool) is held by a client sending slowly, a normal client is answered —
// 200 once the slow one gives way, or a quick 503 past the line — instead of waiting unseen in the listen backlog
// until a header timeout. And ordinary keep-alive load is still served, not refused. The header timeouts here are
// long (60 s) so that a model stuck behind the slow clients could not answer before the tests' bounds.
using System.Net.Sockets;
using Skein.Server.Models;
using Skein.Server.Tests.Lifecycle;
using Skein.Testing;

namespace Skein.Server.Tests.Models;

[Collection(TimingSensitive.Name)]
public sealed class SlowClientSheddingTests : IDisposable
{
    private static readonly TimeSpan Answered = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan LongHeaderTimeout = TimeSpan.FromSeconds(60);
    private readonly TestHandler _handler = new();

    public void Dispose() => _handler.Dispose();

    [Fact]
    public async Task Single_answers_503_past_its_line_while_a_slow_upload_holds_the_thread()
    {
        await using var server = InProcessModels.Start(ConcurrencyModel.Single, _handler, o => o with
        {
            QueueCapacity = 1,
            HeaderTimeout = LongHeaderTimeout,
            MinRequestBodyDataRate = null, // the upload is slow on purpose and must not be cut for it
        });
        using var uploader = await RawClient.ConnectAsync(server.Port);
        using var trickling = new CancellationTokenSource();
        await uploader.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
        var upload = TrickleAsync(uploader, "0123456789"u8.ToArray(), trickling.Token);
        try
        {
            await Deadline.UntilAsync(() => server.Server.Connections.TotalAccepted >= 1, Deadline.Default, "the upload accepted");
            using var waiting = await RawClient.ConnectAsync(server.Port);
            await waiting.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            await Deadline.UntilAsync(() => server.Server.Connections.TotalAccepted >= 2, Answered, "the second client taken into the line");

            // The line (1) is full: the next client is refused at once rather than left in the backlog.
            var refused = await RawClient.GetAsync(server.Port, "/", Answered);
            Assert.Equal(503, refused.Status);

            // The one in line is served when the upload ends, with Connection: close only if others still wait.
            trickling.Cancel();
            await upload;
            uploader.Dispose();
            Assert.Equal(200, (await waiting.ReadResponseAsync(timeout: Answered)).Status);
        }
        finally
        {
            await trickling.CancelAsync();
            await upload;
        }
    }

    [Fact]
    public async Task Single_serves_a_normal_client_while_slow_heads_trickle()
    {
        await using var server = InProcessModels.Start(ConcurrencyModel.Single, _handler, o => o with { HeaderTimeout = LongHeaderTimeout });
        await using var slow = await SlowHeads.StartAsync(server.Port, 3);
        await Deadline.UntilAsync(() => server.Server.Connections.TotalAccepted >= 1, Deadline.Default, "a slow client accepted");

        var normal = await RawClient.GetAsync(server.Port, "/", Answered);
        Assert.Equal(200, normal.Status);

        // The slow heads that held it up were answered 408, not left hanging.
        var cut = await slow.Clients[0].ReadResponseAsync(timeout: Answered);
        Assert.Equal(408, cut.Status);
    }

    [Fact]
    public async Task Single_serves_fifty_keep_alive_clients_with_200s()
    {
        await using var server = InProcessModels.Start(ConcurrencyModel.Single, _handler);
        var clients = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => KeepAliveClientAsync(server.Port, requests: 4)));
        Assert.All(clients, statuses => Assert.All(statuses, status => Assert.Equal(200, status)));
    }

    [Fact]
    public async Task Process_pool_answers_a_normal_client_while_slow_heads_hold_every_worker()
    {
        await using var server = await SkeinProcess.StartServeAsync("-m", "process-pool", "-w", "2", "-p", "0",
            "--header-timeout", "60s", "-f", ShutdownTests.SiteFolder());
        await Deadline.UntilAsync(async () => (await RawClient.GetAsync(server.Port, "/", Answered)).Status == 200, Deadline.Default * 4, "both workers up");
        await using var slow = await SlowHeads.StartAsync(server.Port, 6);

        // Without the line, both workers would read their slow heads until the header timeout (60 s).
        var normal = await RawClient.GetAsync(server.Port, "/", Answered);
        Assert.True(normal.Status is 200 or 503, $"status {normal.Status}");
    }

    // Sends `pattern` a byte every 100 ms (10 bytes/s, far below the 500 bytes/s a head must keep up while others
    // wait) until cancelled or cut off. The pace is the behaviour under test, not synchronization.
    private static Task TrickleAsync(RawClient client, byte[] pattern, CancellationToken stop) => Task.Run(async () =>
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            try
            {
                await client.SendAsync(pattern.AsMemory(i % pattern.Length, 1));
                await Task.Delay(100, stop);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return; // cut off (408 and close), or the test is over
            }
        }
    }, CancellationToken.None);

    // Clients trickling a request head that never ends, stopped and closed on dispose.
    private sealed class SlowHeads : IAsyncDisposable
    {
        private static readonly byte[] Head = "GET / HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"u8.ToArray();
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _trickles = [];

        public List<RawClient> Clients { get; } = [];

        public static async Task<SlowHeads> StartAsync(int port, int count)
        {
            var heads = new SlowHeads();
            for (var i = 0; i < count; i++)
            {
                var client = await RawClient.ConnectAsync(port);
                heads.Clients.Add(client);
                heads._trickles.Add(TrickleAsync(client, Head, heads._stop.Token));
            }
            return heads;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_trickles);
            foreach (var client in Clients)
            {
                client.Dispose();
            }
            _stop.Dispose();
        }
    }

    // `requests` GETs one after another on a keep-alive connection, reconnecting when the server closes it (a
    // response with Connection: close, as single sends while others wait): the statuses.
    private static async Task<List<int>> KeepAliveClientAsync(int port, int requests)
    {
        var statuses = new List<int>();
        var client = await RawClient.ConnectAsync(port);
        try
        {
            for (var i = 0; i < requests; i++)
            {
                await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                var response = await client.ReadResponseAsync(timeout: Answered * 2);
                statuses.Add(response.Status);
                if (response.ConnectionClose)
                {
                    client.Dispose();
                    client = await RawClient.ConnectAsync(port);
                }
            }
        }
        finally
        {
            client.Dispose();
        }
        return statuses;
    }
}
