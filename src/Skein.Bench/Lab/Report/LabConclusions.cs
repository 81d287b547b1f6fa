// LabConclusions: the sentences at the top of a report, computed from the run's own medians: who was
// fastest and slowest in each workload and by how much, which models held the constant rate, how far
// the cpu results are from the ideal for this machine's cores, what a waiting connection costs each
// model. A sentence is only written when the figures it needs were measured and may be quoted (no
// failed, skipped or flagged cell), so two different runs read differently. It never measures.
using System.Globalization;

namespace Skein.Bench.Lab.Report;

/// <summary>Computes the conclusions of a lab run.</summary>
public static class LabConclusions
{
    /// <summary>A model that reaches this share of the requested rate "held" it.</summary>
    private const double HeldRateShare = 0.97;

    /// <summary>The sentences, in report order.</summary>
    public static IReadOnlyList<string> Compute(LabResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var lines = new List<string>();
        var cells = results.Settings.Cells;
        var models = results.Targets.Where(t => t.Target.Kind == LabTargetKind.Skein).ToList();
        var peers = results.Targets.Where(t => t.Target.IsPeer && !t.Skipped).ToList();

        foreach (var cell in cells.Where(c => c.Workload == LabWorkload.Static))
        {
            if (Extremes(models, cell, m => m.RequestsPerSecond, higherIsBetter: true) is { } e)
            {
                lines.Add(F($"Static, {cell.Label}: {Who(e.Best)} served the most, {e.BestValue:N0} req/s, {Ratio(e.BestValue, e.WorstValue)} as many as {Who(e.Worst)} ({e.WorstValue:N0} req/s)."));
            }
            var bestModel = models.Select(t => (Target: t, M: Quoted(t, cell))).Where(x => x.M is { Errors.Total: 0 }).MaxBy(x => x.M!.RequestsPerSecond);
            foreach (var peer in peers)
            {
                if (bestModel.M is not null && Quoted(peer, cell) is { } p)
                {
                    lines.Add(F($"  {peer.Target.Name} served {p.RequestsPerSecond:N0} req/s ({cell.Label}): {Ratio(p.RequestsPerSecond, bestModel.M.RequestsPerSecond)} as many as the best Skein model there ({Who(bestModel.Target)}, {bestModel.M.RequestsPerSecond:N0} req/s)."));
                }
            }
        }

        foreach (var cell in cells.Where(c => c.Workload == LabWorkload.Rate && c.Rate is not null))
        {
            var measured = models.Concat(peers).Select(t => (Target: t, M: Quoted(t, cell))).Where(x => x.M is not null).ToList();
            var held = measured.Where(x => x.M!.RequestsPerSecond >= HeldRateShare * cell.Rate!.Value && x.M.Errors.Total == 0).ToList();
            var fell = measured.Except(held).ToList();
            if (measured.Count == 0)
            {
                continue;
            }
            string line = F($"Constant rate of {cell.Rate:N0} req/s ({cell.Clients} connections): ");
            line += held.Count == 0 ? "no server held it" : $"{Names(held.Select(x => x.Target))} held it";
            if (fell.Count > 0)
            {
                line += "; " + string.Join(", ", fell.Select(x => F($"{Who(x.Target)} reached {x.M!.RequestsPerSecond:N0}")));
            }
            lines.Add(line + ".");
            if (held.Count >= 2)
            {
                var best = held.MinBy(x => x.M!.Latency.P99);
                var worst = held.MaxBy(x => x.M!.Latency.P99);
                lines.Add(F($"  Among those that held it, {Who(best.Target)} had the lowest p99 latency ({best.M!.Latency.P99:0.##} ms) and {Who(worst.Target)} the highest ({worst.M!.Latency.P99:0.##} ms, {Ratio(worst.M.Latency.P99, best.M.Latency.P99)})."));
            }
        }

        // io: the largest client count at least two models answered, and the smallest one above 1.
        var ioCells = cells.Where(c => c.Workload == LabWorkload.Io).OrderBy(c => c.Clients).ToList();
        foreach (var cell in PickCurvePoints(models, ioCells))
        {
            if (Extremes(models, cell, m => m.TotalMs ?? double.MaxValue, higherIsBetter: false) is { } e)
            {
                lines.Add(F($"I/O-bound, {cell.Clients:N0} concurrent /io clients (one second of waiting each): {Who(e.Best)} answered the last after {e.BestValue:N0} ms; {Who(e.Worst)} took {Ratio(e.WorstValue, e.BestValue)} as long ({e.WorstValue:N0} ms)."));
            }
        }

        var cpuCells = cells.Where(c => c.Workload == LabWorkload.Cpu).OrderBy(c => c.Clients).ToList();
        if (cpuCells.Count > 0 && cpuCells.Where(c => c.Clients > 1).MaxBy(c => c.Clients) is { } cpuCell)
        {
            if (Extremes(models, cpuCell, m => m.TotalMs ?? double.MaxValue, higherIsBetter: false) is { } e)
            {
                // The machine's ideal: the fastest single /cpu request of the run, in ceil(N / cores) waves.
                var alone = cpuCells[0].Clients == 1
                    ? models.Select(t => Quoted(t, cpuCells[0])?.TotalMs).OfType<double>().DefaultIfEmpty(0).Min()
                    : 0;
                string ideal = alone > 0
                    ? F($" (the ideal on {results.Machine.Cores} cores, from the fastest single request, is {alone * Math.Ceiling(cpuCell.Clients / (double)results.Machine.Cores):N0} ms)")
                    : "";
                lines.Add(F($"CPU-bound, {cpuCell.Clients} concurrent /cpu clients: {Who(e.Best)} finished in {e.BestValue:N0} ms{ideal}; {Who(e.Worst)} took {Ratio(e.WorstValue, e.BestValue)} as long ({e.WorstValue:N0} ms)."));
            }
            var thread = models.Find(t => t.Target.Name == "thread");
            var single = models.Find(t => t.Target.Name == "single");
            if (thread is not null && single is not null && Quoted(thread, cpuCell)?.TotalMs is { } tms && Quoted(single, cpuCell)?.TotalMs is { } sms)
            {
                double ratio = tms / sms;
                lines.Add(ratio < 0.8
                    ? F($"  Threads are not GIL-bound here: thread-per-connection finished the {cpuCell.Clients} /cpu requests in {tms:N0} ms against single's {sms:N0} ms ({ratio:0.00}×), using the {results.Machine.Cores} cores at once; the Python originals found threads no faster than one process.")
                    : F($"  thread-per-connection took {tms:N0} ms against single's {sms:N0} ms ({ratio:0.00}×) for {cpuCell.Clients} /cpu requests: no parallel speed-up in this run (a busy machine hides it; the cores were shared)."));
            }
        }

        foreach (var cell in cells.Where(c => c.Workload == LabWorkload.Comet))
        {
            var answered = models.Concat(peers).Where(t => Quoted(t, cell) is { Errors.Total: 0 }).ToList();
            var failed = models.Where(t => t.Cell(cell.Id) is { } c && (!c.Quotable || c.Median?.Errors.Total > 0)).ToList();
            if (answered.Count > 0)
            {
                var fastest = answered.MinBy(t => Quoted(t, cell)!.TotalMs ?? double.MaxValue)!;
                lines.Add(F($"Comet, {cell.Clients:N0} waiters: {Names(answered)} answered every waiter; {Who(fastest)} fastest, {Quoted(fastest, cell)!.TotalMs:N0} ms from /notify to the last answer.")
                    + (failed.Count > 0 ? $" {Names(failed)} did not (a model that holds a thread or process per waiter runs out of them)." : ""));
            }
        }

        // Memory per waiting connection: comet where measured, else the largest io cell.
        var memoryCells = cells.Where(c => c.Workload is LabWorkload.Comet or LabWorkload.Io && c.Clients >= 10).OrderByDescending(c => c.Clients).ToList();
        var perConnection = models
            .Select(t => (Target: t, Cell: memoryCells.FirstOrDefault(c => Quoted(t, c)?.MemoryPerClientBytes > 0)))
            .Where(x => x.Cell is not null)
            .Select(x => (x.Target, x.Cell, Bytes: Quoted(x.Target, x.Cell!)!.MemoryPerClientBytes!.Value, Processes: Quoted(x.Target, x.Cell!)!.Server.PeakProcesses))
            .ToList();
        if (perConnection.Count >= 2)
        {
            var least = perConnection.MinBy(x => x.Bytes);
            var most = perConnection.MaxBy(x => x.Bytes);
            lines.Add(F($"Memory per waiting connection: {Who(least.Target)} {Kib(least.Bytes)} ({least.Cell!.Id}), {Who(most.Target)} {Kib(most.Bytes)} ({most.Cell!.Id}, {most.Processes} processes at the peak): {Ratio(most.Bytes, least.Bytes)} as much."));
        }

        foreach (var cell in cells.Where(c => c.Workload == LabWorkload.Mixed))
        {
            if (Extremes(models, cell, m => m.Latency.P99, higherIsBetter: false) is { } e)
            {
                lines.Add(F($"Mixed, static page beside {cell.CpuClients} /cpu clients: {Who(e.Best)} kept the page's p99 at {e.BestValue:0.##} ms; {Who(e.Worst)} let it reach {e.WorstValue:N0} ms ({Ratio(e.WorstValue, e.BestValue)}): CPU work queued in front of the page."));
            }
        }

        var broken = results.Targets.Where(t => t.Failure is not null).ToList();
        if (broken.Count > 0)
        {
            lines.Add("Failed: " + string.Join("; ", broken.Select(t => $"{t.Target.Name}: {t.Failure}")) + ".");
        }
        var flagged = results.Targets.SelectMany(t => t.Cells.Where(c => c.Status == CellStatus.Flagged).Select(c => $"{t.Target.Name} {c.Cell.Id}")).ToList();
        if (flagged.Count > 0)
        {
            lines.Add($"Flagged (answers that were not 2xx; not quoted above): {string.Join(", ", flagged)}.");
        }
        if (!results.Completed)
        {
            lines.Add(F($"The run was interrupted after {results.RoundsCompleted} complete round(s); the figures are what was measured until then."));
        }
        return lines;
    }

    private static IEnumerable<LabCell> PickCurvePoints(List<TargetResult> models, List<LabCell> cells)
    {
        var answered = cells.Where(c => models.Count(t => Quoted(t, c)?.TotalMs is not null) >= 2).ToList();
        var small = answered.FirstOrDefault(c => c.Clients > 1);
        var large = answered.LastOrDefault();
        if (small is not null)
        {
            yield return small;
        }
        if (large is not null && large != small)
        {
            yield return large;
        }
    }

    private sealed record Extreme(TargetResult Best, double BestValue, TargetResult Worst, double WorstValue);

    private static Extreme? Extremes(List<TargetResult> targets, LabCell cell, Func<Measurement, double> value, bool higherIsBetter)
    {
        var measured = targets.Select(t => (Target: t, M: Quoted(t, cell))).Where(x => x.M is not null).Select(x => (x.Target, V: value(x.M!))).Where(x => x.V < double.MaxValue).ToList();
        if (measured.Count < 2)
        {
            return null;
        }
        // The best must have served every client (no failed request): a model that answers one connection
        // flat out and leaves the others waiting is not the fastest. The worst may have failures.
        var clean = measured.Where(x => Quoted(x.Target, cell)!.Errors.Total == 0).ToList();
        if (clean.Count == 0)
        {
            return null;
        }
        var best = higherIsBetter ? clean.MaxBy(x => x.V) : clean.MinBy(x => x.V);
        var worst = higherIsBetter ? measured.MinBy(x => x.V) : measured.MaxBy(x => x.V);
        return best.Target == worst.Target ? null : new Extreme(best.Target, best.V, worst.Target, worst.V);
    }

    private static Measurement? Quoted(TargetResult target, LabCell cell) =>
        target.Cell(cell.Id) is { Quotable: true } c ? c.Median : null;

    private static string Who(TargetResult t) => t.Target.Workers is { } w ? F($"{t.Target.Name} (-w {w})") : t.Target.Name;

    private static string Names(IEnumerable<TargetResult> targets)
    {
        var names = targets.Select(Who).ToList();
        return names.Count <= 1 ? string.Concat(names) : string.Join(", ", names[..^1]) + " and " + names[^1];
    }

    private static string Ratio(double a, double b) => b > 0 ? F($"{a / b:0.0#}×") : "∞×";

    private static string Kib(double bytes) => bytes >= 1024 * 1024 ? F($"{bytes / (1024 * 1024):0.0} MiB") : F($"{bytes / 1024:0} KiB");

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
