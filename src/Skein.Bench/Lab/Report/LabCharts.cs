// LabCharts: the report's charts, drawn with ScottPlot (SVG for the page, PNG for benchmark.md): the
// classic response-time-against-clients graphs for io and cpu, throughput bars for static and rate,
// latency percentile curves (log scales) for rate, memory per connection, and static latency beside
// /cpu work. Every chart has one series per server with data, named in its legend. Figures that may not
// be quoted (failed, skipped or flagged cells) are left out. It draws; it does not judge.
using System.Globalization;
using ScottPlot;

namespace Skein.Bench.Lab.Report;

/// <summary>A chart written to disk.</summary>
/// <param name="Id">File stem: <c>charts/{Id}.svg</c> and <c>.png</c>.</param>
/// <param name="Title">Its title.</param>
/// <param name="Workload">The workload it shows.</param>
/// <param name="Series">The series in its legend (server names, and "ideal" where drawn).</param>
/// <param name="Caption">One sentence saying how to read it.</param>
public sealed record LabChart(string Id, string Title, LabWorkload Workload, IReadOnlyList<string> Series, string Caption);

/// <summary>Draws the charts of a lab run.</summary>
public static class LabCharts
{
    private const int Width = 880;
    private const int Height = 480;

    /// <summary>A sans-serif face every Debian machine has (fonts-dejavu-core), so PNGs look alike everywhere.</summary>
    private const string FontName = "DejaVu Sans";

    /// <summary>Percentiles of the latency curves: HdrHistogram's plot spaces them by 1/(1-p).</summary>
    private static readonly double[] CurvePercentiles = [0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100];

    /// <summary>Draws every chart the results have data for into <paramref name="folder"/>.</summary>
    public static IReadOnlyList<LabChart> Write(LabResults results, string folder)
    {
        ArgumentNullException.ThrowIfNull(results);
        Directory.CreateDirectory(folder);
        var charts = new List<LabChart>();
        void Add(LabChart? chart)
        {
            if (chart is not null)
            {
                charts.Add(chart);
            }
        }
        Add(ClientsChart(results, folder, LabWorkload.Io, "io-response-time", "/io: time until the last client is answered", logX: true));
        Add(ClientsChart(results, folder, LabWorkload.Cpu, "cpu-response-time", "/cpu: time until the last client is answered", logX: false));
        Add(BarsChart(results, folder, LabWorkload.Static, "static-throughput", "Static files: requests per second (more is better)",
            results.Settings.Cells.Where(c => c.Workload == LabWorkload.Static).ToList(), m => m.RequestsPerSecond, "requests/s",
            "Closed-loop load as fast as the server answers; one bar per server and cell, median of the rounds."));
        Add(BarsChart(results, folder, LabWorkload.Rate, "rate-throughput", "Constant rate: requests per second achieved",
            results.Settings.Cells.Where(c => c.Workload == LabWorkload.Rate).ToList(), m => m.RequestsPerSecond, "requests/s",
            "A server that keeps up reaches the requested rate; one that falls behind shows less, and its latency grows (next chart)."));
        Add(LatencyCurves(results, folder));
        Add(BarsChart(results, folder, LabWorkload.Comet, "memory-per-connection", "Server memory per waiting connection (less is better)",
            results.Settings.Cells.Where(c => c.Workload == LabWorkload.Comet || (c.Workload == LabWorkload.Io && c.Clients >= 10)).ToList(),
            m => (m.MemoryPerClientBytes ?? 0) / 1024, "KiB per connection",
            "Growth of the whole process tree's resident memory while N clients were held, divided by N."));
        Add(BarsChart(results, folder, LabWorkload.Mixed, "mixed-latency", "Static page p99 latency while /cpu requests run (less is better)",
            results.Settings.Cells.Where(c => c.Workload == LabWorkload.Mixed).ToList(), m => m.Latency.P99, "p99 latency (ms)",
            "A server that runs CPU work on the thread that also serves the page makes the page wait (head-of-line blocking)."));
        return charts;
    }

    private static LabChart? ClientsChart(LabResults results, string folder, LabWorkload workload, string id, string title, bool logX)
    {
        var cells = results.Settings.Cells.Where(c => c.Workload == workload).OrderBy(c => c.Clients).ToList();
        if (cells.Count == 0)
        {
            return null;
        }
        var plot = NewPlot(title);
        var series = new List<string>();
        foreach (var (target, color) in Colored(results))
        {
            var points = cells.Select(c => (c.Clients, Cell: target.Cell(c.Id)))
                .Where(p => p.Cell is { Quotable: true } && p.Cell.Median?.TotalMs is not null)
                .Select(p => (X: (double)p.Clients, Y: p.Cell!.Median!.TotalMs!.Value))
                .ToList();
            if (points.Count == 0)
            {
                continue;
            }
            var line = plot.Add.Scatter(points.Select(p => logX ? Math.Log10(p.X) : p.X).ToArray(), points.Select(p => p.Y).ToArray(), color);
            line.LegendText = target.Target.Name;
            line.LineWidth = 2;
            line.MarkerSize = 6;
            series.Add(target.Target.Name);
        }
        if (workload == LabWorkload.Cpu)
        {
            // The ideal: the fastest single /cpu request of the run, in ceil(N / cores) waves.
            var alone = results.Targets.Select(t => t.Cell(cells[0].Id)).Where(c => c is { Quotable: true } && c.Cell.Clients == 1)
                .Select(c => c!.Median!.TotalMs ?? double.MaxValue).DefaultIfEmpty(double.MaxValue).Min();
            if (alone < double.MaxValue)
            {
                int cores = results.Machine.Cores;
                var ideal = plot.Add.Scatter(cells.Select(c => (double)c.Clients).ToArray(), cells.Select(c => alone * Math.Ceiling(c.Clients / (double)cores)).ToArray(), Colors.Gray);
                ideal.LegendText = $"ideal ({cores} cores)";
                ideal.LinePattern = LinePattern.Dashed;
                ideal.MarkerSize = 0;
                series.Add(ideal.LegendText);
            }
        }
        if (series.Count == 0)
        {
            return null;
        }
        plot.Axes.Bottom.Label.Text = "concurrent clients";
        plot.Axes.Left.Label.Text = "time to last answer (ms)";
        if (logX)
        {
            LogTicks(plot.Axes.Bottom, v => Math.Pow(10, v).ToString("N0", CultureInfo.InvariantCulture));
        }
        else
        {
            // Client counts are whole numbers.
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        }
        plot.Axes.Margins(0.05, 0.1);
        plot.Axes.SetLimitsY(0, plot.Axes.GetLimits().Top);
        Save(plot, folder, id);
        string caption = workload == LabWorkload.Io
            ? "Each client's request waits one second (without holding a thread where the model allows it); a model that serves every client at once stays near one second."
            : $"Each request counts primes by trial division; with {results.Machine.Cores} cores at most {results.Machine.Cores} can run at once, so the ideal grows in steps.";
        return new LabChart(id, title, workload, series, caption);
    }

    private static LabChart? BarsChart(LabResults results, string folder, LabWorkload workload, string id, string title,
        List<LabCell> cells, Func<Measurement, double> value, string axis, string caption)
    {
        if (cells.Count == 0)
        {
            return null;
        }
        var plot = NewPlot(title);
        var colored = Colored(results).ToList();
        var series = new List<string>();
        int slots = Math.Max(1, colored.Count);
        double width = 0.8 / slots;
        for (int s = 0; s < colored.Count; s++)
        {
            var (target, color) = colored[s];
            var bars = new List<Bar>();
            for (int g = 0; g < cells.Count; g++)
            {
                if (target.Cell(cells[g].Id) is { Quotable: true, Median: { } m })
                {
                    bars.Add(new Bar { Position = g - 0.4 + (width * (s + 0.5)), Value = value(m), Size = width * 0.9, FillColor = color, LineWidth = 0 });
                }
            }
            if (bars.Count == 0)
            {
                continue;
            }
            var plotted = plot.Add.Bars(bars);
            plotted.LegendText = target.Target.Name;
            series.Add(target.Target.Name);
        }
        if (series.Count == 0)
        {
            return null;
        }
        if (workload == LabWorkload.Rate && cells[0].Rate is { } rate)
        {
            var goal = plot.Add.HorizontalLine(rate, 1.5f, Colors.Gray, LinePattern.Dashed);
            goal.LegendText = "requested rate";
            series.Add(goal.LegendText);
        }
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, cells.Count).Select(i => (double)i)], [.. cells.Select(c => ShortLabel(c))]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Left.Label.Text = axis;
        plot.Axes.Margins(bottom: 0, top: 0.15);
        Save(plot, folder, id);
        return new LabChart(id, title, workload, series, caption);
    }

    private static LabChart? LatencyCurves(LabResults results, string folder)
    {
        var cell = results.Settings.Cells.FirstOrDefault(c => c.Workload == LabWorkload.Rate);
        if (cell is null)
        {
            return null;
        }
        const string id = "rate-latency";
        string title = string.Create(CultureInfo.InvariantCulture, $"Latency by percentile at {cell.Rate:N0} req/s (log scales; less is better)");
        var plot = NewPlot(title);
        var series = new List<string>();
        foreach (var (target, color) in Colored(results))
        {
            if (target.Cell(cell.Id) is not { Quotable: true, Median.Histogram: { TotalCount: > 0 } histogram })
            {
                continue;
            }
            var xs = CurvePercentiles.Select(p => Math.Log10(1 / (1 - Math.Min(p, 99.999) / 100))).ToArray();
            var ys = CurvePercentiles.Select(p => Math.Log10(Math.Max(0.001, Latency.LatencyHistograms.Milliseconds(histogram, p)))).ToArray();
            var line = plot.Add.Scatter(xs, ys, color);
            line.LegendText = target.Target.Name;
            line.LineWidth = 2;
            line.MarkerSize = 5;
            series.Add(target.Target.Name);
        }
        if (series.Count == 0)
        {
            return null;
        }
        plot.Axes.Bottom.Label.Text = "percentile";
        plot.Axes.Left.Label.Text = "latency (ms)";
        double[] ticks = [0, 1, 2, 3, 4, 5];
        plot.Axes.Bottom.SetTicks(ticks, ["0%", "90%", "99%", "99.9%", "99.99%", "99.999%"]);
        LogTicks(plot.Axes.Left, v => Math.Pow(10, v).ToString(Math.Pow(10, v) < 1 ? "0.###" : "N0", CultureInfo.InvariantCulture));
        Save(plot, folder, id);
        return new LabChart(id, title, LabWorkload.Rate, series,
            "Each request's latency counts from when it was due to be sent (coordinated omission corrected, as wrk2 does); the right end is the slowest request.");
    }

    private static Plot NewPlot(string title)
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Title(title, size: 15);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Legend.FontName = FontName;
        return plot;
    }

    /// <summary>Servers that are not skipped, each with its colour: a server keeps its colour in every chart.</summary>
    private static IEnumerable<(TargetResult Target, Color Color)> Colored(LabResults results)
    {
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < results.Targets.Count; i++)
        {
            if (!results.Targets[i].Skipped)
            {
                yield return (results.Targets[i], palette.GetColor(i));
            }
        }
    }

    /// <summary>Ticks at the powers of ten of a log10 axis, labelled with the real values.</summary>
    private static void LogTicks(IAxis axis, Func<double, string> label)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = label,
        };
    }

    private static string ShortLabel(LabCell cell) => cell.Workload switch
    {
        LabWorkload.Static => cell.Path == LabPlan.LargeFilePath ? "100 KB file" : $"index, {(cell.KeepAlive ? "keep-alive" : "close")}, c={cell.Clients}",
        LabWorkload.Io => $"io, {cell.Clients:N0} clients",
        LabWorkload.Comet => $"comet, {cell.Clients:N0} waiters",
        LabWorkload.Rate => string.Create(CultureInfo.InvariantCulture, $"{cell.Rate:N0} req/s requested"),
        _ => cell.Label,
    };

    private static void Save(Plot plot, string folder, string id)
    {
        plot.SavePng(Path.Combine(folder, id + ".png"), Width, Height);
        plot.SaveSvg(Path.Combine(folder, id + ".svg"), Width, Height);
    }
}
