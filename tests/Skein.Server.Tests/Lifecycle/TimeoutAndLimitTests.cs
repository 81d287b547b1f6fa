// Timeouts and limits as a client experiences them: slow heads and slow bodies are answered 408 and closed,
// idle connections closed quietly, a client that stops reading its response dropped, connections beyond the limit and beyond a full thread-pool queue refused with 503,
// and a thread-per-connection server keeps serving while 200 slow clients trickle bytes.
using Skein.Server.Models;
using Skein.Testing;

namespace Skein.Server.Tests.Lifecycle;

[Collection(TimingSensitive.Name)]
public sealed class TimeoutAndLimitTests : IDisposable
{
    private readonly TestHandler _handler = new();

    public static TheoryData<ConcurrencyModel> Models => InProcessModels.All;

    public void Dispose() => _handler.Dispose();

    [Theory]
    [MemberData(nameof(Models))]
    public async Task A_head_not_finished_within_the_header_timeout_gets_408_and_is_closed(ConcurrencyModel model)
    {
        await using var server = InProcessModels.Start(model, _handler, o => o with { HeaderTimeout = TimeSpan.FromSeconds(1) });
        using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n");
        var response = await client.ReadResponseAsync(timeout: TimeSpan.FromSeconds(10));
        Assert.Equal(408, response.Status);
        Assert.True(response.ConnectionClose);
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task A_connection_that_never_sends_is_closed_without_an_answer(ConcurrencyModel model)
    {
        await using var server = InProcessModels.Start(model, _handler, o => o with { HeaderTimeout = TimeSpan.FromSeconds(1) });
        using var client = await RawClient.ConnectAsync(server.Port);
        var buffer = new byte[256];
        var read = await client.Socket.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, read); // closed, nothing said: there was no request to answer
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task An_idle_keep_alive_connection_is_closed_after_the_keep_alive_timeout(ConcurrencyModel model)
    {
        await using var server = InProcessModels.Start(model, _handler, o => o with { KeepAliveTimeout = TimeSpan.FromSeconds(1) });
        using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, (await client.ReadResponseAsync()).Status);
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task A_body_that_stops_arriving_gets_408_after_the_body_timeout(ConcurrencyModel model)
    {
        await using var server = InProcessModels.Start(model, _handler, o => o with { BodyReadTimeout = TimeSpan.FromSeconds(1) });
        using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
        var response = await client.ReadResponseAsync(timeout: TimeSpan.FromSeconds(10));
        Assert.Equal(408, response.Status);
        Assert.True(response.ConnectionClose);
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task A_body_trickling_below_the_minimum_rate_gets_408(ConcurrencyModel model)
    {
        // Each byte comes well within the body timeout, but at 5 bytes/s the body is far below 100 bytes/s.
        await using var server = InProcessModels.Start(model, _handler, o => o with
        {
            BodyReadTimeout = TimeSpan.FromSeconds(60),
            MinRequestBodyDataRate = new MinDataRate(100, TimeSpan.FromSeconds(1)),
        });
        using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n");
        var answer = client.ReadResponseAsync(timeout: TimeSpan.FromSeconds(20));
        while (!answer.IsCompleted)
        {
            try
            {
                await client.SendAsync("b");
            }
            catch (System.Net.Sockets.SocketException)
            {
                break; // the server closed: its answer is on the way
            }
            await Task.WhenAny(answer, Task.Delay(200)); // the trickle's pace: the behaviour under test
        }
        var response = await answer;
        Assert.Equal(408, response.Status);
        Assert.True(response.ConnectionClose);
    }

    [Theory]
    [InlineData("/big?mb=64")]
    [InlineData("/big-file")]
    public async Task Under_single_a_client_that_stops_reading_is_dropped_and_the_next_client_served(string path)
    {
        // 16 MB/s after 1 s: a 64 KiB piece may wait 1 s, the whole 32 MiB file 2 s; the stuck client blocks
        // the server once the kernel buffers between them are full.
        await using var server = InProcessModels.Start(ConcurrencyModel.Single, _handler, o => o with
        {
            MinResponseDataRate = new MinDataRate(16 * 1024 * 1024, TimeSpan.FromSeconds(1)),
        });
        using var stuck = await RawClient.ConnectAsync(server.Port);
        await stuck.SendAsync($"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n"); // and never reads
        var next = await RawClient.GetAsync(server.Port, "/", TimeSpan.FromSeconds(30));
        Assert.Equal(200, next.Status);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Connections_beyond_the_limit_get_503(ConcurrencyModel model)
    {
        // Single serves one connection at a time, so its second connection waits in the backlog instead:
        // the limit applies to connections it has accepted, which is at most one.
        if (model == ConcurrencyModel.Single)
        {
            return;
        }
        await using var server = InProcessModels.Start(model, _handler, o => o with { MaxConnections = 2 });
        using var first = await RawClient.ConnectAsync(server.Port);
        using var second = await RawClient.ConnectAsync(server.Port);
        await Deadline.UntilAsync(() => server.Server.Connections.Count == 2, Deadline.Default, "two open connections");
        using var third = await RawClient.ConnectAsync(server.Port);
        var refused = await third.ReadResponseAsync();
        Assert.Equal(503, refused.Status);
        Assert.True(refused.ConnectionClose);
        first.Dispose();
        await Deadline.UntilAsync(() => server.Server.Connections.Count < 2, Deadline.Default, "a free slot");
        Assert.Equal(200, (await RawClient.GetAsync(server.Port, "/")).Status);
    }

    [Fact]
    public async Task A_full_thread_pool_queue_answers_503_at_once()
    {
        await using var server = InProcessModels.Start(ConcurrencyModel.ThreadPool, _handler, o => o with { Workers = 1, QueueCapacity = 1 });
        using var busy = await RawClient.ConnectAsync(server.Port);     // taken by the only worker
        await Deadline.UntilAsync(() => server.Server.Connections.Count == 1, Deadline.Default, "the first connection");
        using var queued = await RawClient.ConnectAsync(server.Port);   // waits in the queue
        await Deadline.UntilAsync(() => server.Server.Connections.Count == 2, Deadline.Default, "the queued connection");
        using var refused = await RawClient.ConnectAsync(server.Port);
        var response = await refused.ReadResponseAsync(timeout: TimeSpan.FromSeconds(5));
        Assert.Equal(503, response.Status);
        busy.Dispose(); // frees the worker, which then serves the queued connection
        await queued.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, (await queued.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task Thread_per_connection_serves_a_normal_client_while_200_slow_ones_trickle_bytes()
    {
        // A header timeout long enough that a model stuck behind the slow clients could not answer the normal
        // one before it (8 s below), short enough that the test then sees the slow ones cut off.
        await using var server = InProcessModels.Start(ConcurrencyModel.Thread, _handler, o => o with { HeaderTimeout = TimeSpan.FromSeconds(10) });
        var slow = new List<RawClient>();
        using var trickling = new CancellationTokenSource();
        try
        {
            for (var i = 0; i < 200; i++)
            {
                var client = await RawClient.ConnectAsync(server.Port);
                slow.Add(client);
                await client.SendAsync("GET / HTTP/1.1\r\n");
            }
            var trickle = Task.Run(async () =>
            {
                // One header byte per client every 200 ms: a slowloris attack that never finishes its head.
                var tick = 0;
                var pattern = "X-a: b\r\n"u8.ToArray();
                while (!trickling.IsCancellationRequested)
                {
                    foreach (var client in slow)
                    {
                        try
                        {
                            await client.SendAsync(pattern.AsMemory(tick % pattern.Length, 1));
                        }
                        catch (System.Net.Sockets.SocketException)
                        {
                            // cut off by the header timeout: expected
                        }
                    }
                    tick++;
                    await Task.Delay(200); // the trickle's pace (one byte per client every 200 ms): the behaviour under test
                }
            });
            // Accepted, not open: on a loaded machine the first ones may already be cut off by the header timeout.
            await Deadline.UntilAsync(() => server.Server.Connections.TotalAccepted >= 200, Deadline.Default * 2, "200 slow connections accepted");

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var normal = await RawClient.GetAsync(server.Port, "/", TimeSpan.FromSeconds(8));
            Assert.Equal(200, normal.Status);
            Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(8));

            // And the header timeout then frees every thread the slow clients held.
            await Deadline.UntilAsync(() => server.Server.Connections.Count == 0, TimeSpan.FromSeconds(45), "slow clients cut off by the header timeout");
            trickling.Cancel();
            await trickle;
        }
        finally
        {
            trickling.Cancel();
            foreach (var client in slow)
            {
                client.Dispose();
            }
        }
    }
}
