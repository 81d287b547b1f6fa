// LabRunner: the lab's schedule. For each round, for each server (the order rotates every round, so
// machine drift hits every server alike): start it, warm it up, check that it answers 200 on every path
// the cells use, run the cells, stop it and check the stop was clean. A server that fails to start,
// answer or stop is recorded as failed and the lab goes on. Cancellation (Ctrl-C) stops the current
// server and returns what was measured so far. It neither parses options nor writes the report.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Skein.Bench.Comet;
using Skein.Bench.Http;
using Skein.Bench.Load;

namespace Skein.Bench.Lab;

/// <summary>Runs the lab.</summary>
public static class LabRunner
{
    /// <summary>Most concurrent clients sent to a model that starts one process per connection: each
    /// costs tens of megabytes and a start-up, so thousands would exhaust the machine rather than measure it.</summary>
    public const int ProcessPerConnectionClientCap = 200;

    /// <summary>Runs every round against every server; returns the results (partial if cancelled).</summary>
    public static async Task<LabResults> RunAsync(LabSettings settings, Action<LabProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var results = new LabResults(settings, MachineInfo.Read());
        foreach (var target in settings.Targets)
        {
            var t = new TargetResult(target);
            t.Cells.AddRange(settings.Cells.Select(c => new CellResult(c)));
            results.Targets.Add(t);
        }
        // The comet cell's clients each need a descriptor here; the servers started below inherit the limit.
        int mostClients = settings.Cells.Max(c => c.Clients + c.CpuClients);
        FileDescriptorLimit.TryRaise((2L * mostClients) + CometRunner.SpareDescriptors);

        using var site = LabSite.Create();
        var clock = Stopwatch.StartNew();
        var live = results.Targets.Where(t => !t.Skipped).ToList();
        int totalSteps = Math.Max(1, settings.Rounds * live.Count * (settings.Cells.Count + 1));
        int steps = 0;
        void Report(string message, int round, string target, string? cell)
        {
            double fraction = Math.Min(1, steps / (double)totalSteps);
            var remaining = fraction > 0 ? TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds * (1 - fraction) / fraction) : TimeSpan.Zero;
            progress?.Invoke(new LabProgress(message, round, settings.Rounds, target, cell, fraction, remaining));
        }

        try
        {
            for (int round = 1; round <= settings.Rounds; round++)
            {
                for (int i = 0; i < live.Count; i++)
                {
                    var target = live[(i + round - 1) % live.Count];
                    await RunTargetAsync(target, round, settings, site, Report, () => steps++, cancel).ConfigureAwait(false);
                }
                results.RoundsCompleted = round;
            }
            results.Completed = true;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            results.Completed = false;
        }
        foreach (var t in results.Targets)
        {
            foreach (var c in t.Cells.Where(c => c.Rounds.Count == 0 && c.Status == CellStatus.Ok))
            {
                c.Status = t.Skipped ? CellStatus.Skipped : CellStatus.Failed;
                c.Reason ??= t.Target.SkipReason ?? t.Failure ?? (results.Completed ? "not measured" : "not reached before the run was interrupted");
            }
        }
        results.Finished = DateTimeOffset.UtcNow;
        results.LoadAverageAtEnd = MachineInfo.LoadAverage();
        return results;
    }

    private static async Task RunTargetAsync(TargetResult result, int round, LabSettings settings, LabSite site,
        Action<string, int, string, string?> report, Action step, CancellationToken cancel)
    {
        string name = result.Target.Name;
        var pending = result.Cells.Where(c => c.Status is CellStatus.Ok or CellStatus.Flagged).ToList();
        // A server that failed in an earlier round is tried again: on a busy machine a start can time out once.
        if (pending.Count == 0)
        {
            for (int i = 0; i <= settings.Cells.Count; i++)
            {
                step();
            }
            return;
        }
        report($"{name}: starting (round {round} of {settings.Rounds})", round, name, null);
        var started = Stopwatch.GetTimestamp();
        LabServer server;
        try
        {
            server = await LabServer.StartAsync(result.Target, settings, site.Site, site.Scratch, cancel).ConfigureAwait(false);
        }
        catch (LabServerException e)
        {
            result.Failures.Add($"round {round}: did not start: {e.Message}");
            report($"{name}: FAILED to start: {e.Message}", round, name, null);
            for (int i = 0; i <= settings.Cells.Count; i++)
            {
                step();
            }
            return;
        }
        var run = new ServerRun(round, server.Pid ?? 0, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null);
        result.Runs.Add(run);
        step();
        try
        {
            report(server.Pid is { } pid
                ? string.Create(CultureInfo.InvariantCulture, $"{name}: answering on {server.Url} (pid {pid}, {run.StartMs:0} ms); warming up")
                : $"{name}: answering on {server.Url} (already running); warming up", round, name, null);
            await WarmUpAsync(server, settings, cancel).ConfigureAwait(false);
            if (round == 1 || result.Runs.Count == 1)
            {
                await CheckPathsAsync(result, server, cancel).ConfigureAwait(false);
            }
            var timedOut = new HashSet<LabWorkload>();
            double? cpuAlone = null;
            foreach (var cell in result.Cells)
            {
                step();
                if (cell.Status is CellStatus.Skipped or CellStatus.Failed)
                {
                    continue;
                }
                if (server.ExitedWith is { } code)
                {
                    result.Failures.Add($"round {round}: the server exited with code {code} during the run: {server.OutputTail}");
                    break;
                }
                if (timedOut.Contains(cell.Cell.Workload))
                {
                    // A larger client count than one that already timed out would only time out longer.
                    cell.Reason ??= "not run in every round: a smaller client count had already timed out";
                    continue;
                }
                if (Capped(result.Target, cell.Cell) is { } capped)
                {
                    cell.Status = CellStatus.Skipped;
                    cell.Reason = capped;
                    continue;
                }
                report($"{name}: {cell.Cell.Label}", round, name, cell.Cell.Id);
                var m = await CellRunner.RunAsync(cell.Cell, server, cpuAlone, cancel).ConfigureAwait(false);
                cell.Rounds.Add(m);
                if (cell.Cell.Id == "cpu-1" && m.Errors.Total == 0)
                {
                    cpuAlone = m.TotalMs;
                }
                if (m.Errors.Timeout > 0 && cell.Cell.Workload is LabWorkload.Io or LabWorkload.Cpu or LabWorkload.Comet)
                {
                    timedOut.Add(cell.Cell.Workload);
                }
                Judge(cell, m);
                report($"{name}: {cell.Cell.Label}: {CellRunner.Describe(cell.Cell, m)}", round, name, cell.Cell.Id);
            }
        }
        finally
        {
            var stop = await server.StopAsync(settings.StopTimeout).ConfigureAwait(false);
            server.Dispose();
            result.Runs[^1] = run with { Stop = stop };
            if (!stop.Clean)
            {
                string how = stop.ExitCode is { } code ? $"exit code {code}" : "killed after the stop timeout";
                string left = stop.Leftovers.Count == 0 ? "" : $", {stop.Leftovers.Count} processes left behind (killed: {string.Join(", ", stop.Leftovers.Select(p => p.Pid))})";
                result.Failures.Add($"round {round}: unclean stop: {how}{left}");
            }
            report(string.Create(CultureInfo.InvariantCulture,
                $"{name}: stopped (exit {(stop.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "killed")}, {stop.Elapsed.TotalMilliseconds:0} ms, {stop.Leftovers.Count} left behind)"), round, name, null);
        }
    }

    /// <summary>Records the worst outcome of a round on its cell.</summary>
    private static void Judge(CellResult cell, Measurement m)
    {
        if (m.Requests == 0)
        {
            cell.Status = CellStatus.Failed;
            cell.Reason = m.Errors.Total > 0 ? $"no answer at all ({Describe(m.Errors)})" : "no complete answer during the run";
        }
        else if (m.Errors.Non2xx > 0 && cell.Status != CellStatus.Failed)
        {
            cell.Status = CellStatus.Flagged;
            cell.Reason = $"{m.Errors.Non2xx:N0} responses were not 2xx: these figures measure an error page, not the cell";
        }
        else if (m.Errors.Total > 0 && cell.Status == CellStatus.Ok)
        {
            cell.Reason ??= $"some requests failed ({Describe(m.Errors)})";
        }
    }

    private static string Describe(ErrorCounts e) => string.Join(", ", new[]
    {
        (e.Connect, "connect"), (e.Read, "read"), (e.Write, "write"), (e.Timeout, "timeout"), (e.Non2xx, "non-2xx"),
    }.Where(x => x.Item1 > 0).Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Item1:N0} {x.Item2}")));

    /// <summary>Why a model cannot take this cell's client count, or null.</summary>
    private static string? Capped(LabTarget target, LabCell cell) =>
        target is { Kind: LabTargetKind.Skein, Name: "process" } && cell.Workload is LabWorkload.Io or LabWorkload.Comet or LabWorkload.Cpu
            && cell.Clients > ProcessPerConnectionClientCap
            ? $"not run: the process model starts one process per connection, and more than {ProcessPerConnectionClientCap} would exhaust this machine's memory"
            : null;

    /// <summary>Warms the server up (JIT, caches, pool threads) with a short load on the index page, and
    /// one /cpu request when a cell uses it.</summary>
    private static async Task WarmUpAsync(LabServer server, LabSettings settings, CancellationToken cancel)
    {
        if (settings.WarmUp <= TimeSpan.Zero)
        {
            return;
        }
        var warm = new LoadSettings { Url = new Uri(server.Url, LabPlan.IndexPath), Connections = 4, Threads = 1, Duration = settings.WarmUp };
        await Task.Run(() => LoadGenerator.Run(warm, null, cancel), cancel).ConfigureAwait(false);
        if (settings.Cells.Any(c => c.Workload is LabWorkload.Cpu or LabWorkload.Mixed))
        {
            await GetAsync(server.Url, "/cpu", TimeSpan.FromSeconds(30), cancel).ConfigureAwait(false);
        }
    }

    /// <summary>Every path a cell uses must answer 200 before anything is measured: a peer serving an
    /// error page (nginx's 403 on an unreadable folder) would otherwise be measured as if it were the page.</summary>
    private static async Task CheckPathsAsync(TargetResult result, LabServer server, CancellationToken cancel)
    {
        var verdicts = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var cell in result.Cells.Where(c => c.Status == CellStatus.Ok))
        {
            // Comet is checked through /waiters: /wait would hold the connection until a /notify.
            string path = cell.Cell.Workload == LabWorkload.Comet ? "/waiters" : cell.Cell.Path;
            var paths = cell.Cell.Workload == LabWorkload.Mixed ? new[] { path, "/cpu" } : [path];
            foreach (var p in paths)
            {
                if (!verdicts.TryGetValue(p, out var verdict))
                {
                    var status = await GetAsync(server.Url, p, TimeSpan.FromSeconds(30), cancel).ConfigureAwait(false);
                    verdict = status == 200 ? null : status is { } s ? $"GET {p} answered {s}, not 200" : $"GET {p} got no answer";
                    verdicts[p] = verdict;
                }
                if (verdict is not null)
                {
                    cell.Status = CellStatus.Skipped;
                    cell.Reason = $"not served: {verdict}";
                }
            }
        }
    }

    private static async Task<int?> GetAsync(Uri server, string path, TimeSpan timeout, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(LoadGenerator.Resolve(server), server.Port), deadline.Token).ConfigureAwait(false);
            var reply = await HttpExchange.SendAsync(socket, HttpExchange.Get(server, path, close: true), deadline.Token).ConfigureAwait(false);
            return reply.Status;
        }
        catch (Exception e) when (e is SocketException or IOException || (e is OperationCanceledException && !cancel.IsCancellationRequested))
        {
            return null;
        }
    }
}
