// Tests of the load generator over loopback against in-test stub servers: what it counts when the server
// behaves, each error kind when the server misbehaves that way, and the coordinated-omission case (a 1 s
// stall that a closed-loop run hides from its percentiles and a constant-rate run shows). Runs are short
// (0.3 to 3 s) and bounded by their own duration.
using System.Net;
using System.Net.Sockets;
using Skein.Bench.Load;
using Skein.Bench.Tests.Stubs;

namespace Skein.Bench.Tests.Load;

[Collection(TimingSensitive.Name)]
public sealed class LoadGeneratorTests
{
    private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    // These tests check how exchanges are counted, not how many fit in a time: a run long enough for a few even
    // when the suite's other test projects load both cores (in CI four of them once got no more than 5 requests,
    // or no read error at all, in 300 ms), and thresholds of a few.
    private static readonly TimeSpan CountingRun = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Counts_requests_and_bytes_against_a_well_behaved_server()
    {
        await using var server = StubServer.Answering(Ok);
        var result = await RunAsync(new LoadSettings { Url = server.Url(), Connections = 4, Threads = 2, Duration = CountingRun });
        Assert.True(result.Requests >= 3, $"only {result.Requests} requests");
        Assert.Equal(0, result.Errors.Total);
        Assert.Equal(result.Requests * Ok.Length, result.BytesRead);
        Assert.Equal(result.Requests, result.Latency.TotalCount);
    }

    [Fact]
    public async Task Chunked_responses_are_framed_on_a_kept_alive_connection()
    {
        await using var server = StubServer.Answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        var result = await RunAsync(new LoadSettings { Url = server.Url(), Connections = 1, Threads = 1, Duration = CountingRun });
        Assert.True(result.Requests >= 3, $"only {result.Requests} requests");
        Assert.Equal(0, result.Errors.Total);
    }

    [Fact]
    public async Task Close_mode_opens_a_connection_per_request()
    {
        int accepted = 0;
        await using var server = new StubServer(async (c, ct) =>
        {
            Interlocked.Increment(ref accepted);
            var head = await c.ReadRequestAsync(ct);
            if (head is null)
            {
                return; // connected when the run ended, never used
            }
            Assert.Contains("Connection: close", head, StringComparison.Ordinal);
            await c.Socket.SendAsync("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"u8.ToArray(), ct);
        });
        var result = await RunAsync(new LoadSettings { Url = server.Url(), Connections = 2, Threads = 1, Duration = CountingRun, KeepAlive = false });
        Assert.True(result.Requests >= 3, $"only {result.Requests} requests");
        Assert.Equal(0, result.Errors.Total);
        Assert.True(Volatile.Read(ref accepted) >= result.Requests);
    }

    [Fact]
    public async Task Refused_connections_count_as_connect_errors()
    {
        // A bound socket that never listens: the kernel refuses connections to its port.
        using var reserved = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        reserved.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)reserved.LocalEndPoint!).Port;
        var result = await RunAsync(new LoadSettings { Url = new Uri($"http://127.0.0.1:{port}/"), Connections = 2, Threads = 1, Duration = TimeSpan.FromMilliseconds(300) });
        Assert.True(result.Errors.Connect > 0);
        Assert.Equal(0, result.Requests);
        Assert.Equal(result.Errors.Connect, result.Errors.Total);
    }

    [Fact]
    public async Task Responses_cut_short_count_as_read_errors()
    {
        await using var server = new StubServer(async (c, ct) =>
        {
            await c.ReadRequestAsync(ct);
            await c.Socket.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial"u8.ToArray(), ct);
            c.Socket.Shutdown(SocketShutdown.Both);
        });
        var result = await RunAsync(new LoadSettings { Url = server.Url(), Connections = 2, Threads = 1, Duration = CountingRun });
        Assert.True(result.Errors.Read > 0);
        Assert.Equal(0, result.Requests);
        Assert.Equal(0, result.Errors.Connect + result.Errors.Timeout + result.Errors.Non2xx);
    }

    [Fact]
    public async Task A_server_that_never_answers_counts_timeouts()
    {
        await using var server = new StubServer(async (c, ct) =>
        {
            await c.ReadRequestAsync(ct);
            await Task.Delay(Timeout.Infinite, ct); // the misbehaviour under test: never answer
        });
        var result = await RunAsync(new LoadSettings
        {
            Url = server.Url(), Connections = 2, Threads = 1,
            Duration = TimeSpan.FromMilliseconds(1000), Timeout = TimeSpan.FromMilliseconds(200),
        });
        Assert.True(result.Errors.Timeout >= 2, $"{result.Errors.Timeout} timeouts");
        Assert.Equal(0, result.Requests);
        Assert.Equal(0, result.Errors.Connect + result.Errors.Read + result.Errors.Non2xx);
    }

    [Fact]
    public async Task Error_statuses_count_as_non_2xx_and_as_requests()
    {
        await using var server = StubServer.Answering("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
        var result = await RunAsync(new LoadSettings { Url = server.Url(), Connections = 2, Threads = 1, Duration = CountingRun });
        Assert.True(result.Requests >= 3, $"only {result.Requests} requests");
        Assert.Equal(result.Requests, result.Errors.Non2xx);
        Assert.Equal(result.Errors.Non2xx, result.Errors.Total);
    }

    [Fact]
    public async Task A_one_second_stall_shows_in_p99_at_a_constant_rate_but_hides_from_a_closed_loop()
    {
        // The coordinated-omission case (Gil Tene; wrk2's README): one connection, and the server stalls
        // for 1 s once, at its 100th request. A closed-loop client simply waits, so only one request is slow
        // and p99 stays small. At a constant 200 req/s, the ~200 requests due during the stall are late
        // too, and their latency is measured from when they should have been sent: p99 shows the stall.
        var closedLoop = await RunAgainstStallingServerAsync(rate: null);
        var constantRate = await RunAgainstStallingServerAsync(rate: 200);

        Assert.True(closedLoop.MaxLatencyMs >= 900, $"closed loop max {closedLoop.MaxLatencyMs} ms: the stall did not happen");
        Assert.True(closedLoop.LatencyMs(99) < 200, $"closed loop p99 {closedLoop.LatencyMs(99)} ms");
        Assert.True(constantRate.LatencyMs(99) >= 500, $"constant rate p99 {constantRate.LatencyMs(99)} ms");
        Assert.Equal(0, closedLoop.Errors.Total);
        Assert.Equal(0, constantRate.Errors.Total);
    }

    private static async Task<LoadResult> RunAgainstStallingServerAsync(double? rate)
    {
        int served = 0;
        var okBytes = System.Text.Encoding.ASCII.GetBytes(Ok);
        await using var server = new StubServer(async (c, ct) =>
        {
            while (await c.ReadRequestAsync(ct) is not null)
            {
                if (Interlocked.Increment(ref served) == 100)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct); // the stall under test, not synchronisation
                }
                await c.Socket.SendAsync(okBytes, ct);
            }
        });
        return await RunAsync(new LoadSettings
        {
            Url = server.Url(), Connections = 1, Threads = 1, Rate = rate,
            Duration = TimeSpan.FromSeconds(3), Timeout = TimeSpan.FromSeconds(5),
        });
    }

    // The generator blocks its caller for the run; keep it off the test thread so the stub's async
    // accept and serve loops get thread-pool threads.
    private static Task<LoadResult> RunAsync(LoadSettings settings) =>
        Task.Run(() => LoadGenerator.Run(settings)).WaitAsync(settings.Duration + TestTimeouts.Default);
}
