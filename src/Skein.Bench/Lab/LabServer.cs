// LabServer: starts one target's server as a child process on a free loopback port, waits until it
// answers, and stops it the graceful way (SIGTERM for Skein and Kestrel, SIGQUIT for nginx), checking
// that it exits 0 and leaves no process of its tree behind. Anything left is killed by PID and reported.
// It does not measure (CellRunner does) and knows nothing of workloads.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Skein.Bench.Http;
using Skein.Bench.Interop;

namespace Skein.Bench.Lab;

/// <summary>A started server.</summary>
public sealed partial class LabServer : IDisposable
{
    private const int SIGKILL = 9;
    private const int SIGTERM = 15;
    private const int SIGQUIT = 3;

    /// <summary>The servers' --shutdown-timeout, in seconds: requests in flight get this long at a stop.</summary>
    private const string ServerShutdownSeconds = "5";

    private readonly Process? _process;
    private readonly StringBuilder _output;
    private readonly int _stopSignal;
    private TreeSampler? _sampler;

    private LabServer(LabTarget target, Process? process, Uri url, int stopSignal, StringBuilder output)
    {
        Target = target;
        _process = process;
        Url = url;
        _stopSignal = stopSignal;
        _output = output;
    }

    /// <summary>The target this server is.</summary>
    public LabTarget Target { get; }

    /// <summary>Base URL (http://127.0.0.1:PORT/).</summary>
    public Uri Url { get; }

    /// <summary>The child's PID, or null for an external server.</summary>
    public int? Pid => _process?.Id;

    /// <summary>The sampler of its process tree (null for an external server).</summary>
    public TreeSampler? Sampler => _sampler;

    /// <summary>The exit code if the server has exited on its own, else null.</summary>
    public int? ExitedWith => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>The last lines the server printed, for a failure message.</summary>
    public string OutputTail
    {
        get
        {
            lock (_output)
            {
                var lines = _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
                return string.Join(" | ", lines.TakeLast(3)).Trim();
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="target"/> and returns once it answers <c>GET /index.html</c>.
    /// Throws <see cref="LabServerException"/> when it cannot be started, exits, or does not answer in time
    /// (the child is stopped first).
    /// </summary>
    public static async Task<LabServer> StartAsync(LabTarget target, LabSettings settings, string site, string scratch, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(settings);
        if (target.Kind == LabTargetKind.External)
        {
            var external = new LabServer(target, null, target.Url!, 0, new StringBuilder());
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            wait.CancelAfter(settings.StartTimeout);
            try
            {
                await external.WaitUntilAnswersAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                cancel.ThrowIfCancellationRequested();
                throw new LabServerException($"{target.Url} did not answer GET {LabPlan.IndexPath} with 200 within {settings.StartTimeout.TotalSeconds:0} s");
            }
            return external;
        }
        var (info, port, signal) = target.Kind switch
        {
            LabTargetKind.Skein => SkeinStart(target, settings.Skein, site),
            LabTargetKind.Nginx => NginxStart(site, scratch),
            _ => KestrelStart(target, site),
        };
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var portKnown = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (port > 0)
        {
            portKnown.TrySetResult(port);
        }
        var lines = new StringBuilder();
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (lines)
            {
                if (lines.Length < 64 * 1024)
                {
                    lines.AppendLine(line);
                }
            }
            if (!portKnown.Task.IsCompleted && AddressPattern().Match(line) is { Success: true } m)
            {
                portKnown.TrySetResult(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => portKnown.TrySetException(new LabServerException($"exited with code {SafeExitCode(process)} before listening"));
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new LabServerException($"cannot start {info.FileName}: {e.Message}");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(settings.StartTimeout);
        int boundPort;
        try
        {
            boundPort = await portKnown.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is LabServerException or OperationCanceledException)
        {
            Kill(process);
            string said;
            lock (lines)
            {
                said = string.Join(" | ", lines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3)).Trim();
            }
            process.Dispose();
            cancel.ThrowIfCancellationRequested();
            string why = e is LabServerException ? e.Message : $"did not report a port within {settings.StartTimeout.TotalSeconds:0} s";
            throw new LabServerException(said.Length > 0 ? $"{why}: {said}" : why);
        }
        var server = new LabServer(target, process, new Uri($"http://127.0.0.1:{boundPort}/"), signal, lines);
        server._sampler = new TreeSampler(process.Id, settings.SampleInterval);
        try
        {
            await server.WaitUntilAnswersAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            var failed = server.ExitedWith is { } code ? $"exited with code {code}" : $"did not answer GET {LabPlan.IndexPath} within {settings.StartTimeout.TotalSeconds:0} s";
            await server.StopAsync(settings.StopTimeout).ConfigureAwait(false);
            server.Dispose();
            cancel.ThrowIfCancellationRequested();
            throw new LabServerException(failed);
        }
        return server;
    }

    /// <summary>Asks the server to stop, waits for it (killing its tree at <paramref name="timeout"/>),
    /// then kills and reports any process of its tree still alive.</summary>
    public async Task<StopOutcome> StopAsync(TimeSpan timeout)
    {
        if (_process is null)
        {
            return new StopOutcome(0, TimeSpan.Zero, [], []);
        }
        long start = Stopwatch.GetTimestamp();
        int? exitCode = null;
        if (!_process.HasExited)
        {
            Libc.Kill(_process.Id, _stopSignal);
        }
        using (var wait = new CancellationTokenSource(timeout))
        {
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
                exitCode = _process.ExitCode;
            }
            catch (OperationCanceledException)
            {
                Kill(_process);
            }
        }
        var elapsed = Stopwatch.GetElapsedTime(start);
        var seen = _sampler?.Seen.ToList() ?? [];
        _sampler?.Dispose();
        _sampler = null;
        // A worker may take a moment to notice its master is gone; wait for the tree to empty before
        // calling anything a leftover (bounded: processes that outlive this are killed and reported).
        var leftovers = seen.Where(p => p.IsAlive).ToList();
        long until = Stopwatch.GetTimestamp() + (5 * Stopwatch.Frequency);
        while (leftovers.Count > 0 && Stopwatch.GetTimestamp() < until)
        {
            await Task.Delay(50).ConfigureAwait(false);
            leftovers = [.. leftovers.Where(p => p.IsAlive)];
        }
        foreach (var p in leftovers)
        {
            Libc.Kill(p.Pid, SIGKILL);
        }
        return new StopOutcome(exitCode, elapsed, leftovers, seen);
    }

    /// <summary>Polls GET /index.html until it answers 200 (any answer from an external server's own path).</summary>
    private async Task WaitUntilAnswersAsync(CancellationToken cancel)
    {
        var endpoint = new IPEndPoint(Load.LoadGenerator.Resolve(Url), Url.Port);
        var request = HttpExchange.Get(Url, LabPlan.IndexPath, close: true);
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            if (ExitedWith is not null)
            {
                throw new OperationCanceledException();
            }
            using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(endpoint, cancel).ConfigureAwait(false);
                var reply = await HttpExchange.SendAsync(socket, request, cancel).ConfigureAwait(false);
                if (reply.Status == 200)
                {
                    return;
                }
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                // Not accepting yet.
            }
            await Task.Delay(50, cancel).ConfigureAwait(false);
        }
    }

    private static (ProcessStartInfo, int, int) SkeinStart(LabTarget target, SkeinExecutable skein, string site)
    {
        var info = new ProcessStartInfo(skein.Path);
        foreach (var a in skein.PrefixArguments)
        {
            info.ArgumentList.Add(a);
        }
        // A short shutdown timeout: a model still holding a comet waiter nobody will notify (single) would
        // otherwise keep the lab waiting for the default 30 s at every stop.
        string[] args = ["serve", "-m", target.Name, "-p", "0", "--host", "127.0.0.1", "-f", site, "--shutdown-timeout", ServerShutdownSeconds];
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        if (target.Workers is { } w)
        {
            info.ArgumentList.Add("-w");
            info.ArgumentList.Add(w.ToString(CultureInfo.InvariantCulture));
        }
        // Colour codes and terminal widths have no place in a captured log.
        info.Environment["NO_COLOR"] = "1";
        return (info, 0, SIGTERM);
    }

    private static (ProcessStartInfo, int, int) NginxStart(string site, string scratch)
    {
        int port = FreePort();
        string dir = Path.Combine(scratch, "nginx");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "nginx.conf"), PeerFiles.NginxConfig(port, site, dir));
        var info = new ProcessStartInfo("nginx");
        foreach (var a in new[] { "-p", dir, "-c", Path.Combine(dir, "nginx.conf"), "-e", Path.Combine(dir, "error.log") })
        {
            info.ArgumentList.Add(a);
        }
        // nginx's graceful stop is SIGQUIT (SIGTERM is its fast shutdown).
        return (info, port, SIGQUIT);
    }

    private static (ProcessStartInfo, int, int) KestrelStart(LabTarget target, string site)
    {
        int port = FreePort();
        string program = target.Program!;
        var info = program.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? new ProcessStartInfo("dotnet") : new ProcessStartInfo(program);
        if (info.FileName == "dotnet")
        {
            info.ArgumentList.Add(program);
        }
        foreach (var a in new[] { "--root", site, "--port", port.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(a);
        }
        return (info, port, SIGTERM);
    }

    /// <summary>A loopback port nobody listens on now (bound and released: a peer's config needs a number).</summary>
    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private static string SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode.ToString(CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }

    /// <summary>Stops sampling and releases the child's handle (the child itself is stopped by <see cref="StopAsync"/>).</summary>
    public void Dispose()
    {
        _sampler?.Dispose();
        _sampler = null;
        _process?.Dispose();
    }

    [GeneratedRegex(@"address=http://\S*:(\d+)")]
    private static partial Regex AddressPattern();
}
