// LabTables: the report's tables as rows of text, built once and rendered by both benchmark.md and
// index.html: per workload one row per server and cell (so every model has its row in every workload,
// measured or not, with the reason when not), plus the machine and the settings. Text only: no markup.
using System.Globalization;

namespace Skein.Bench.Lab.Report;

/// <summary>A table: a title, column headers, rows of cells.</summary>
public sealed record LabTable(string Title, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>Builds the report's tables.</summary>
public static class LabTables
{
    /// <summary>The results table of one workload: one row per server and cell.</summary>
    public static LabTable Workload(LabResults results, LabWorkload workload)
    {
        ArgumentNullException.ThrowIfNull(results);
        bool probe = workload is LabWorkload.Io or LabWorkload.Cpu or LabWorkload.Comet;
        var headers = new List<string> { "server", "cell", "status" };
        headers.AddRange(probe
            ? ["answered", "last answer ms", workload == LabWorkload.Cpu ? "ideal ms" : "per client KiB", "p50 ms", "p99 ms", "max ms"]
            : ["req/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms"]);
        if (workload == LabWorkload.Mixed)
        {
            headers.Add("/cpu req/s");
        }
        headers.AddRange(["errors", "server CPU s", "peak RSS MiB", "threads", "processes"]);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var target in results.Targets)
        {
            foreach (var cell in target.Cells.Where(c => c.Cell.Workload == workload))
            {
                var row = new List<string> { Server(target), cell.Cell.Label, StatusText(cell) };
                if (cell.Median is { } m)
                {
                    row.AddRange(probe
                        ? [N(m.Requests), N(m.TotalMs), workload == LabWorkload.Cpu ? N(m.IdealMs) : N(m.MemoryPerClientBytes / 1024), Ms(m.Latency.P50), Ms(m.Latency.P99), Ms(m.Latency.Max)]
                        : [N(m.RequestsPerSecond), Ms(m.Latency.P50), Ms(m.Latency.P90), Ms(m.Latency.P99), Ms(m.Latency.P999), Ms(m.Latency.Max)]);
                    if (workload == LabWorkload.Mixed)
                    {
                        row.Add(N(m.CpuRequestsPerSecond));
                    }
                    row.AddRange([Errors(m), Fixed(m.Server.CpuSeconds, "0.00"), Fixed(m.Server.PeakRssBytes / (1024.0 * 1024), "0.0"), N(m.Server.PeakThreads), N(m.Server.PeakProcesses)]);
                }
                else
                {
                    row.AddRange(Enumerable.Repeat("—", headers.Count - row.Count));
                }
                rows.Add(row);
            }
        }
        return new LabTable(Title(workload), headers, rows);
    }

    /// <summary>The machine the run measured on.</summary>
    public static LabTable Machine(LabResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var m = results.Machine;
        return new LabTable("Machine", ["", ""],
        [
            ["cores", N(m.Cores)],
            ["memory", Fixed(m.MemoryBytes / (1024.0 * 1024 * 1024), "0.0") + " GiB"],
            ["CPU", m.Cpu],
            ["kernel", m.Kernel],
            ["OS", m.Os],
            [".NET", m.Runtime],
            ["load average at start (1/5/15 min)", string.Join(" / ", m.LoadAverageAtStart.Select(v => Fixed(v, "0.00")))],
            ["load average at end", string.Join(" / ", results.LoadAverageAtEnd.Select(v => Fixed(v, "0.00")))],
            ["started (UTC)", results.Started.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)],
            ["took", Fixed((results.Finished - results.Started).TotalMinutes, "0.0") + " min"],
        ]);
    }

    /// <summary>The exact settings: the servers and every cell.</summary>
    public static LabTable Cells(LabResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return new LabTable("Cells (each figure is the median of the rounds)", ["id", "workload", "what", "path", "clients", "length or deadline", "load threads"],
            [.. results.Settings.Cells.Select(c => (IReadOnlyList<string>)[c.Id, LabWorkloads.Name(c.Workload), c.Label, c.Path, N(c.Clients),
                Fixed(c.Duration.TotalSeconds, "0.##") + " s", N(c.Threads)])]);
    }

    /// <summary>The servers: how each was started and stopped.</summary>
    public static LabTable Servers(LabResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return new LabTable("Servers", ["server", "kind", "workers", "status", "starts", "median start ms", "clean stops", "note"],
            [.. results.Targets.Select(t => (IReadOnlyList<string>)[t.Target.Name, t.Target.Kind.ToString().ToLowerInvariant(),
                t.Target.Workers is { } w ? N(w) : "default", LabJson.Status(t), N(t.Runs.Count),
                t.Runs.Count == 0 ? "—" : N(Measurement.MedianOf(t.Runs.Select(r => r.StartMs))),
                N(t.Runs.Count(r => r.Stop is { Clean: true })), t.Target.SkipReason ?? t.Failure ?? ""])]);
    }

    /// <summary>The heading of a workload's section.</summary>
    public static string Title(LabWorkload workload) => workload switch
    {
        LabWorkload.Static => "static: small page and 100 KB file, as fast as possible",
        LabWorkload.Rate => "rate: constant rate, corrected latency (wrk2 style)",
        LabWorkload.Io => "io: concurrent /io clients",
        LabWorkload.Cpu => "cpu: concurrent /cpu clients",
        LabWorkload.Comet => "comet: long-poll waiters released by one /notify",
        _ => "mixed: static page beside /cpu work",
    };

    private static string Server(TargetResult t) => t.Target.Workers is { } w ? $"{t.Target.Name} (-w {w})" : t.Target.Name;

    private static string StatusText(CellResult c) => c.Reason is null ? c.Status.ToString().ToLowerInvariant() : $"{c.Status.ToString().ToLowerInvariant()}: {c.Reason}";

    private static string Errors(Measurement m)
    {
        var e = m.Errors;
        if (e.Total == 0)
        {
            return "0";
        }
        var parts = new[] { (e.Connect, "connect"), (e.Read, "read"), (e.Write, "write"), (e.Timeout, "timeout"), (e.Non2xx, "non-2xx") }
            .Where(x => x.Item1 > 0).Select(x => $"{N(x.Item1)} {x.Item2}");
        return string.Join(", ", parts);
    }

    private static string N(double? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "—";

    private static string Ms(double value) => value.ToString(value < 10 ? "0.###" : "N0", CultureInfo.InvariantCulture);

    private static string Fixed(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
