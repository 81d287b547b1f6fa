// Skein under systemd, without systemd running: socket activation with the descriptor passed exactly as
// systemd passes it (systemd-socket-activate binds, sets LISTEN_FDS and LISTEN_PID, and execs skein with the
// socket as descriptor 3, keeping its pid), and readiness notification with a datagram socket standing in
// for systemd's NOTIFY_SOCKET (READY=1, RELOADING=1 with MONOTONIC_USEC, STOPPING=1).
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Skein.Testing;

namespace Skein.Server.Tests.Lifecycle;

public sealed class SystemdTests : IAsyncLifetime
{
    private const string SocketActivate = "/usr/bin/systemd-socket-activate";
    private readonly string _folder = Directory.CreateTempSubdirectory("skein-systemd-").FullName;
    private readonly List<SkeinProcess> _servers = [];

    // Hybrid with one worker gives it the socket; with two, its master accepts and hands out.
    [Theory]
    [InlineData("async", "1")]
    [InlineData("hybrid", "1")]
    [InlineData("hybrid", "2")]
    public async Task Serves_the_listening_socket_systemd_passes_as_descriptor_3(string model, string workers)
    {
        Assert.True(File.Exists(SocketActivate), "systemd-socket-activate (Debian package systemd) is needed; .ci/run installs it");
        // systemd-socket-activate binds the port itself, in another process, so the test can only name a free
        // one. A port from the ephemeral range could be taken in between by any test's outgoing connection
        // (the activator then fails to bind and exits), so the port comes from below that range, and a port
        // lost anyway to some other process is given up for the next one.
        SkeinProcess? skein = null;
        RawResponse? response = null;
        var port = 0;
        for (var attempt = 1; response is null; attempt++)
        {
            port = PortBelowEphemeralRange();
            // -p 1 would be refused as a port in use by nobody's choice: the passed socket must win over --port.
            skein = SkeinProcess.Start(["serve", "-m", model, "-w", workers, "-p", "1", "-f", ShutdownTests.SiteFolder()],
                wrapper: [.. WithoutInheritedDescriptors, SocketActivate, "-l", $"127.0.0.1:{port}"]);
            _servers.Add(skein);
            // systemd-socket-activate execs skein on the first connection; until it listens, connecting is refused.
            response = await GetWhenListeningAsync(skein, port, "/healthz");
            Assert.True(response is not null || attempt < 3, $"systemd-socket-activate exited 3 times without listening:\n{skein.Output}");
        }
        await skein!.WaitUntilListeningAsync();

        Assert.Equal(200, response.Status);
        Assert.Equal(port, skein.Port); // the start-up line names the passed socket's address
        Assert.Contains($"pid={skein.Pid}", skein.Output, StringComparison.Ordinal); // exec kept the pid LISTEN_PID names
        // The passed socket is non-blocking (systemd's copy and ours share its open file): a connection that finds
        // nobody waiting is the normal case, not a failed accept to back off from (hybrid's master once did, which
        // cost each such request up to a second and logged a warning for it).
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await RawClient.GetAsync(port, "/healthz", Deadline.Default * 2)).Status);
        }
        Assert.DoesNotContain("accept failed", skein.Output, StringComparison.Ordinal);
        skein.Signal(PosixSignal.SIGTERM);
        Assert.Equal(0, await skein.WaitForExitAsync(Deadline.Default * 2));
    }

    [Fact]
    public async Task Readiness_reloading_and_stopping_are_told_to_the_service_manager()
    {
        var path = Path.Combine(_folder, "notify.sock");
        using var manager = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        manager.Bind(new UnixDomainSocketEndPoint(path));
        var skein = await StartAsync(new() { ["NOTIFY_SOCKET"] = path }, "-m", "async");

        Assert.StartsWith("READY=1\n", await ReceiveAsync(manager), StringComparison.Ordinal);

        var before = MonotonicClock.Microseconds();
        skein.Signal(PosixSignal.SIGHUP);
        var reloading = await ReceiveAsync(manager);
        var after = MonotonicClock.Microseconds();
        Assert.StartsWith("RELOADING=1\n", reloading, StringComparison.Ordinal);
        // systemd's notify-reload wants the time the reload began, on CLOCK_MONOTONIC, in microseconds.
        var stamp = long.Parse(Field(reloading, "MONOTONIC_USEC"), CultureInfo.InvariantCulture);
        Assert.InRange(stamp, before, after);
        Assert.StartsWith("READY=1\n", await ReceiveAsync(manager), StringComparison.Ordinal);

        skein.Signal(PosixSignal.SIGTERM);
        Assert.StartsWith("STOPPING=1\n", await ReceiveAsync(manager), StringComparison.Ordinal);
        Assert.Equal(0, await skein.WaitForExitAsync(Deadline.Default));
    }

    /// <summary>
    /// A prefix that starts the rest of the command with descriptors 0, 1 and 2 open and nothing else, as systemd
    /// starts a service: every descriptor above 2 is closed, and a missing standard input becomes /dev/null. The
    /// activator asserts that its socket lands on descriptor 3 (SD_LISTEN_FDS_START), i.e. that 0 to 2 are taken.
    /// The test host is no clean parent (whatever it leaves open is inherited), and it once lost its own descriptor
    /// 0 to an aborted .NET Accept (docs/processes.md, "Sharing safely"; StandardInputGuard now fails the test that
    /// does that); the prefix keeps this test independent of both.
    /// </summary>
    private static readonly string[] WithoutInheritedDescriptors =
    [
        "/bin/bash", "-c",
        """[ -e /proc/$$/fd/0 ] || exec 0</dev/null; for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec "$@" """,
        "bash",
    ];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<SkeinProcess> StartAsync(Dictionary<string, string> environment, params string[] arguments)
    {
        var server = await SkeinProcess.StartServeAsync(["-p", "0", "-f", ShutdownTests.SiteFolder(), .. arguments], environment);
        _servers.Add(server);
        return server;
    }

    /// <summary>The answer to GET <paramref name="path"/> once the activator listens, or null if it exited first
    /// (it could not bind the port).</summary>
    private static async Task<RawResponse?> GetWhenListeningAsync(SkeinProcess activator, int port, string path)
    {
        RawResponse? response = null;
        await Deadline.UntilAsync(async () =>
        {
            try
            {
                response = await RawClient.GetAsync(port, path, Deadline.Default * 2);
                return true;
            }
            catch (SocketException)
            {
                return activator.HasExited; // not bound yet, or never will be
            }
        }, Deadline.Default * 2, $"a listener on port {port}");
        return response;
    }

    private static async Task<string> ReceiveAsync(Socket manager)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Deadline.Default * 2);
        var length = await manager.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    private static string Field(string message, string name)
        => message.Split('\n').Single(line => line.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];

    /// <summary>A port that is free now and outside net.ipv4.ip_local_port_range, so no connection and no
    /// listener on port 0 is given it meanwhile.</summary>
    private static int PortBelowEphemeralRange()
    {
        var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
        var low = int.Parse(range[0], CultureInfo.InvariantCulture);
        var floor = Math.Max(1024, low - 8192);
        for (var tries = 0; ; tries++)
        {
            var port = Random.Shared.Next(floor, low);
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException) when (tries < 100)
            {
                // in use; draw another
            }
        }
    }
}
