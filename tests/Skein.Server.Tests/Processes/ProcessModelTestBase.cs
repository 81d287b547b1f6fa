// What the process model tests share: the real `skein serve` started per test, its worker processes read
// from /proc, and every process started killed by pid in DisposeAsync, even when a test fails. The tests are
// in two classes (ProcessModelTests, ProcessWaitAndBurstTests) so that xunit runs them side by side.

using System.Globalization;
using Skein.Testing;

namespace Skein.Server.Tests.Processes;

public abstract class ProcessModelTestBase : IAsyncLifetime
{
    protected static readonly TimeSpan Soon = TimeSpan.FromSeconds(20);
    private readonly List<SkeinProcess> _servers = [];
    private readonly HashSet<int> _workers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    protected static async Task<int> CountWaitersAsync(int port)
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

    protected async Task<SkeinProcess> StartAsync(string model, params string[] arguments)
    {
        var server = await SkeinProcess.StartServeAsync(["-m", model, "-p", "0", "-f", Www, .. arguments]);
        _servers.Add(server);
        return server;
    }

    // The master's worker processes once there are exactly `count` and every one answers (tracked for cleanup).
    protected async Task<IReadOnlyList<int>> WorkersAsync(SkeinProcess server, int count)
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
    protected static int ActiveWorker(SkeinProcess server)
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
    protected static async Task<string> ReadInterimResponseAsync(RawClient client)
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
