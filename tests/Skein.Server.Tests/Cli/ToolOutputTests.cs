// The measuring tools as a user meets them through a pipe, against the real `skein serve`: bench writes
// plain "key: value" lines (no escapes) and says at once when nothing listens; send ends after one
// complete response on a keep-alive connection; probe's ideal for /cpu counts the cores.
using System.Globalization;
using Skein.Testing;

namespace Skein.Server.Tests.Cli;

public sealed class ToolOutputTests(ToolOutputTests.Server server) : IClassFixture<ToolOutputTests.Server>
{
    [Fact]
    public async Task Bench_through_a_pipe_writes_plain_lines_and_progress_on_stderr()
    {
        var (code, stdout, stderr) = await SkeinProcess.RunAsync(["bench", server.Url, "-d", "3s", "-c", "2", "-t", "1"]);
        Assert.Equal(0, code);
        Assert.StartsWith($"url: {server.Url}\n", stdout, StringComparison.Ordinal);
        Assert.Contains("\nrequests_per_second: ", stdout, StringComparison.Ordinal);
        Assert.Contains("\nlatency_ms.p99: ", stdout, StringComparison.Ordinal);
        Assert.Contains("\nerrors.total: 0\n", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', stdout + stderr);
        // Which whole seconds get a line depends on when the progress snapshots land (late on a loaded machine);
        // that there is one, on stderr, with the run's length, does not.
        Assert.Matches(@"(?m)^progress: [12] s of 3 s, \d+ requests, \d+ errors$", stderr);
    }

    [Fact]
    public async Task Bench_against_a_port_where_nothing_listens_fails_at_once_in_one_line()
    {
        var (code, stdout, stderr) = await SkeinProcess.RunAsync(["bench", $"http://127.0.0.1:{ClosedPort()}/", "-d", "1h"]);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("skein bench: cannot connect to 127.0.0.1:", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_ends_after_one_complete_response_on_a_keep_alive_connection()
    {
        // A timeout longer than the test's own deadline: only the complete response can end it in time.
        var (code, stdout, stderr) = await SkeinProcess.RunAsync(
            ["send", "127.0.0.1", server.Port.ToString(CultureInfo.InvariantCulture), @"GET /waiters HTTP/1.1\r\nHost: x", "--timeout", "1h"]);
        Assert.Equal(0, code);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", stdout, StringComparison.Ordinal);
        Assert.Contains("; one complete response; --keep-open waits for more]", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_of_cpu_work_gives_the_ideal_on_the_machine_s_cores()
    {
        var (code, stdout, _) = await SkeinProcess.RunAsync(["probe", "--cpu", "-n", "2", "--cores", "1", server.Url]);
        Assert.Equal(0, code);
        Assert.Contains(" ms on 1 core(s) (2 CPU-bound requests, 2 per core, ", stdout, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port; // bound, never listening: connects are refused
    }

    /// <summary>One `skein serve` for the class, stopped by PID at the end.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private SkeinProcess? _skein;

        public int Port => _skein!.Port;

        public string Url => $"http://127.0.0.1:{Port}/";

        public async Task InitializeAsync() => _skein = await SkeinProcess.StartServeAsync("-p", "0", "-f", Lifecycle.ShutdownTests.SiteFolder());

        public async Task DisposeAsync()
        {
            if (_skein is not null)
            {
                await _skein.DisposeAsync();
            }
        }
    }
}
