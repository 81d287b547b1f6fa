// LabReport: writes a lab run's folder: results.json (+ its schema), benchmark.md, index.html, the
// charts (SVG and PNG) and one .hgrm file per server and rate cell. The order matters: the JSON first,
// so an interrupted or failing render still leaves every figure on disk.
using System.Text;

namespace Skein.Bench.Lab.Report;

/// <summary>Writes the report folder.</summary>
public static class LabReport
{
    /// <summary>The folder name for a run started at <paramref name="when"/>: lab-YYYYMMDD-HHMMSS.</summary>
    public static string DefaultFolder(DateTime when) => $"lab-{when:yyyyMMdd-HHmmss}";

    /// <summary>Writes everything into <see cref="LabSettings.OutputFolder"/>; returns the charts drawn.</summary>
    public static IReadOnlyList<LabChart> Write(LabResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        string folder = results.Settings.OutputFolder;
        Directory.CreateDirectory(folder);
        var conclusions = LabConclusions.Compute(results);
        using (var json = File.Create(Path.Combine(folder, "results.json")))
        {
            LabJson.Write(results, conclusions, json);
        }
        using (var schema = LabSite.Resource("results.schema.json"))
        using (var copy = File.Create(Path.Combine(folder, "results.schema.json")))
        {
            schema.CopyTo(copy);
        }
        WriteHistograms(results, Path.Combine(folder, "hgrm"));
        var charts = LabCharts.Write(results, Path.Combine(folder, "charts"));
        File.WriteAllText(Path.Combine(folder, "benchmark.md"), LabMarkdown.Render(results, conclusions, charts), new UTF8Encoding(false));
        File.WriteAllText(Path.Combine(folder, "index.html"), LabHtml.Render(results, conclusions, charts, id => File.ReadAllText(Path.Combine(folder, "charts", id + ".svg"))), new UTF8Encoding(false));
        return charts;
    }

    /// <summary>hgrm/{server}-{cell}.hgrm for every timed cell with latencies: wrk2's percentile
    /// distribution of all rounds together, for HdrHistogram's plotter.</summary>
    private static void WriteHistograms(LabResults results, string folder)
    {
        foreach (var t in results.Targets)
        {
            foreach (var c in t.Cells.Where(c => c.Cell.Workload is LabWorkload.Rate or LabWorkload.Static or LabWorkload.Mixed))
            {
                if (c.Median?.Histogram is { TotalCount: > 0 } histogram)
                {
                    Directory.CreateDirectory(folder);
                    Latency.LatencyHistograms.WriteHgrm(histogram, Path.Combine(folder, $"{FileName(t.Target.Name)}-{c.Cell.Id}.hgrm"));
                }
            }
        }
    }

    /// <summary>A server name fit for a file name.</summary>
    internal static string FileName(string name) => string.Concat(name.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' ? ch : '_'));
}
