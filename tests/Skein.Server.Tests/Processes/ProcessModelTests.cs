// The process models as a user sees them, running the real `skein` program: supervision (kill -9 a worker
// and a new one serves), no orphans (kill -9 the master and every worker exits), graceful shutdown with a
// request in flight, /wait + /notify spanning worker processes, and the process model's bursts and storms. Every process started is killed by
// pid in DisposeAsync, even when a test fails.

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Skein.Testing;
using Xunit.Abstractions;

namespace Skein.Server.Tests.Processes;

public sealed class ProcessModelTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(20);
    private readonly List<SkeinProcess> _servers = [];
    private readonly HashSet<int> _workers = [];

    public static TheoryData<string> PoolModels => ["process-pool", "hybrid"];

    public static TheoryData<string> AllProcessModels => ["process", "process-pool", "hybrid"];

    [Theory]
    [MemberData(nameof(PoolModels))]
    public async Task A_killed_worker_is_replaced_by_the_standby_which_serves(string model)
    {
        var server = await StartAsync(model, "-w", "1");
        await WorkersAsync(server, 2); // the worker and the standby
        Assert.Equal(200, (await RawClient.GetAsync(server.Port, "/")).Status);
        var old = ActiveWorker(server);

        Assert.True(ProcessTable.KillHard(old));
        var clock = Stopwatch.StartNew();
        // With its only worker dead, a client waits in the listen backlog until the replacement takes over.
        RawResponse response;
        try
        {
            response = await RawClient.GetAsync(server.Port, "/", Soon);
        }
        catch (Exception e) when (model == "hybrid" && e is System.Net.Sockets.SocketException or EndOfStreamException)
        {
            // The hybrid master hands each connection to a worker: one handed over while the killed worker was
            // still dying (SIGKILL is not instant) is lost with it, as a crashed nginx worker's connections
            // are. The client retries once, and the replacement answers.
            output.WriteLine($"hybrid: the first request after the kill was lost with the dying worker ({e.Message}); retrying");
            response = await RawClient.GetAsync(server.Port, "/", Soon);
        }
        var elapsed = clock.Elapsed;
        output.WriteLine($"{model}: killed worker {old}; next response after {elapsed.TotalMilliseconds:F0} ms");

        Assert.Equal(200, response.Status);
        Assert.Contains($"worker {old} (slot 0) was killed by signal 9 (SIGKILL); starting a replacement", server.Output, StringComparison.Ordinal);
        Assert.NotEqual(old, ActiveWorker(server));
        await WorkersAsync(server, 2); // and a new standby
        // The standby takes over at once: ~0.1 s on a quiet machine (docs/processes.md). The bound only says
        // "replaced, not waiting for some timeout": other builds and tests share these two cores.
        Assert.InRange(elapsed, TimeSpan.Zero, Soon);
    }

    [Theory]
    [MemberData(nameof(AllProcessModels))]
    public async Task Killing_the_master_with_SIGKILL_leaves_no_worker_behind(string model)
    {
        var server = await StartAsync(model, "-w", "2");
        // A keep-alive connection held open: a worker (or a connection process) is busy when the master dies.
        using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, (await client.ReadResponseAsync()).Status);
        var workers = await WorkersAsync(server, 3); // process: 2 spares + the busy one; pools: 2 + the standby

        Assert.True(ProcessTable.KillHard(server.Pid));
        var clock = Stopwatch.StartNew();
        await Deadline.UntilAsync(() => !workers.Any(ProcessTable.IsRunning), Soon, $"workers {string.Join(", ", workers)} to exit");
        output.WriteLine($"{model}: all {workers.Count} workers gone {clock.ElapsedMilliseconds} ms after SIGKILL of the master");
        Assert.True(await client.WaitForCloseAsync(Soon)); // the orphaned connection was closed, not left hanging
    }

    [Theory]
    [MemberData(nameof(AllProcessModels))]
    public async Task SIGTERM_with_a_request_in_flight_answers_it_with_200_and_exits_0_leaving_no_child(string model)
    {
        var server = await StartAsync(model, "-w", "2", "--shutdown-timeout", "10");
        var workers = await WorkersAsync(server, model == "process" ? 2 : 3);
        using var client = await RawClient.ConnectAsync(server.Port);
        // 100-continue makes "in flight" observable: the interim response comes once the handler reads the body.
        await client.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 100 Continue\r\n\r\n", await ReadInterimResponseAsync(client), StringComparison.Ordinal);
        workers = [.. workers.Union(ProcessTable.ChildrenOf(server.Pid))];

        server.Signal(PosixSignal.SIGTERM);
        await client.SendAsync("hello");
        var response = await client.ReadResponseAsync();

        Assert.Equal(200, response.Status);
        Assert.Equal("hello", response.Text);
        Assert.True(await client.WaitForCloseAsync(Soon)); // then the now idle connection is closed
        Assert.Equal(0, await server.WaitForExitAsync(Soon));
        await Deadline.UntilAsync(() => !workers.Any(ProcessTable.IsRunning), Soon, "workers to exit");
    }

    [Theory]
    [InlineData("process", "2")]
    [InlineData("process-pool", "6")] // a pool worker is held by each waiter: more workers than waiters
    [InlineData("hybrid", "2")]
    public async Task Wait_and_notify_span_every_worker_process(string model, string workers)
    {
        const int Waiters = 4; // in 4 processes (process, process-pool) or spread over 2 (hybrid)
        var server = await StartAsync(model, "-w", workers);
        var waiting = new List<Task<RawResponse>>();
        for (var i = 0; i < Waiters; i++)
        {
            waiting.Add(RawClient.GetAsync(server.Port, "/wait", Soon * 6)); // answered only after the notify below
        }
        // Each waiter holds a process (process) or a worker (process-pool) that may still be starting on a
        // loaded machine: a /waiters request that is not answered in time is simply asked again.
        await Deadline.UntilAsync(async () => await CountWaitersAsync(server.Port) == Waiters, Soon * 4, $"{Waiters} waiters");

        var notify = await RawClient.GetAsync(server.Port, "/notify", Soon * 2);

        Assert.Equal("4", notify.Text.Trim());
        foreach (var waiter in await Task.WhenAll(waiting).WaitAsync(Soon))
        {
            Assert.Equal(200, waiter.Status);
            Assert.Equal("4", waiter.Text.Trim());
        }
        Assert.Equal("0", (await RawClient.GetAsync(server.Port, "/waiters", Soon * 2)).Text.Trim());
    }

    [Fact]
    public async Task Process_a_burst_of_new_connections_is_answered_by_processes_started_a_few_at_a_time()
    {
        const int Burst = 12;
        var server = await StartAsync("process", "-w", "2", "--max-starting", "4");

        var responses = await Task.WhenAll(Enumerable.Range(0, Burst).Select(_ => RawClient.GetAsync(server.Port, "/", Soon * 3)));

        // Every client waited for a process (in the queue, 511 by default) and none was refused.
        Assert.All(responses, r => Assert.Equal(200, r.Status));
    }

    [Fact]
    public async Task Process_past_the_starting_processes_and_the_queue_a_burst_gets_quick_503s_and_the_rest_200()
    {
        const int Burst = 16;
        // One spare, one process starting at a time, two connections waiting for it: a burst of 16 overflows.
        var server = await StartAsync("process", "-w", "1", "--max-starting", "1", "--queue", "2");
        await WorkersAsync(server, 1);

        var responses = await Task.WhenAll(Enumerable.Range(0, Burst).Select(_ => RawClient.GetAsync(server.Port, "/", Soon * 3)));

        var statuses = responses.Select(r => r.Status).ToArray();
        output.WriteLine($"statuses: {string.Join(' ', statuses)}");
        Assert.All(statuses, s => Assert.True(s is 200 or 503, $"status {s}"));
        Assert.Contains(200, statuses); // the spare and the queued ones were served
        Assert.Contains(503, statuses); // the rest were refused at once, not left hanging
        Assert.Contains("(--max-starting, --queue)", server.Output, StringComparison.Ordinal);
        Assert.Equal(200, (await RawClient.GetAsync(server.Port, "/", Soon)).Status); // and the server recovers
    }

    [Fact]
    public async Task Process_after_a_storm_of_reset_connections_a_fresh_client_is_answered_and_no_reset_one_is_refused()
    {
        const int Storm = 30;
        var server = await StartAsync("process", "-w", "2", "--max-starting", "4");
        await WorkersAsync(server, 2);

        // Each storm client sends half a request, and all reset (SO_LINGER 0) once every one is connected: the
        // master has queued most of them for processes that are still starting.
        var storm = new List<Socket>();
        try
        {
            for (var i = 0; i < Storm; i++)
            {
                var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
                storm.Add(client);
                await client.ConnectAsync(IPAddress.Loopback, server.Port);
                await client.SendAsync("GET / HTTP/1.1\r\nHost: storm\r\n"u8.ToArray());
            }
        }
        finally
        {
            foreach (var client in storm)
            {
                client.LingerState = new LingerOption(true, 0);
                client.Dispose(); // RST
            }
        }

        // The reset connections are dropped (and the processes started for them stopped), not served in turn
        // ahead of the live client: it is answered by the next process ready. The bound only says "not stuck
        // behind the storm" on a loaded machine; docs/processes.md has the figure.
        var fresh = await RawClient.GetAsync(server.Port, "/", Soon * 3);
        Assert.Equal(200, fresh.Status);
        // A reset client has nobody to read a 503: it is closed, not refused.
        Assert.DoesNotContain("no process could be started for it", server.Output, StringComparison.Ordinal);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    private static async Task<int> CountWaitersAsync(int port)
    {
        try
        {
            var response = await RawClient.GetAsync(port, "/waiters", Soon);
            return int.TryParse(response.Text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count : -1;
        }
        catch (Exception e) when (e is TimeoutException or EndOfStreamException or System.Net.Sockets.SocketException)
        {
            return -1; // no process free or started yet: ask again
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            foreach (var pid in ProcessTable.ChildrenOf(server.Pid))
            {
                _workers.Add(pid);
            }
            await server.DisposeAsync();
        }
        foreach (var pid in _workers)
        {
            ProcessTable.KillHard(pid); // normally already gone; never leave one behind a failed test
        }
    }

    private async Task<SkeinProcess> StartAsync(string model, params string[] arguments)
    {
        var server = await SkeinProcess.StartServeAsync(["-m", model, "-p", "0", "-f", Www, .. arguments]);
        _servers.Add(server);
        return server;
    }

    // The master's worker processes once there are exactly `count` and every one answers (tracked for cleanup).
    private async Task<IReadOnlyList<int>> WorkersAsync(SkeinProcess server, int count)
    {
        IReadOnlyList<int> children = [];
        await Deadline.UntilAsync(() =>
        {
            children = ProcessTable.ChildrenOf(server.Pid);
            foreach (var pid in children)
            {
                _workers.Add(pid);
            }
            return children.Count == count;
        }, Soon, $"{count} worker processes of {server.Pid}");
        return children;
    }

    // The pid of the worker now in slot 0, from the master's log ("worker 4711 started (slot 0)", the last one).
    private static int ActiveWorker(SkeinProcess server)
    {
        const string Prefix = "worker ";
        const string Suffix = " started (slot 0)";
        var output = server.Output;
        var end = output.LastIndexOf(Suffix, StringComparison.Ordinal);
        Assert.True(end > 0, "no worker started in slot 0");
        var start = output.LastIndexOf(Prefix, end, StringComparison.Ordinal) + Prefix.Length;
        return int.Parse(output.AsSpan(start, end - start), CultureInfo.InvariantCulture);
    }

    // Reads exactly one interim (1xx) response: a head with no body, so up to and including the blank line.
    private static async Task<string> ReadInterimResponseAsync(RawClient client)
    {
        var head = new List<byte>();
        var one = new byte[1];
        using var timeout = new CancellationTokenSource(Soon);
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            if (await client.Socket.ReceiveAsync(one, timeout.Token) == 0)
            {
                break;
            }
            head.Add(one[0]);
        }
        return System.Text.Encoding.Latin1.GetString([.. head]);
    }

    private static string Www
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Skein.sln")))
                {
                    return Path.Combine(dir.FullName, "www");
                }
            }
            throw new DirectoryNotFoundException("The repository's www folder was not found.");
        }
    }
}
