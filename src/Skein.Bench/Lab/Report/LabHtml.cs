// LabHtml: index.html, one self-contained page (inline CSS, the charts as inline SVG, no script, no
// network) with the same content as benchmark.md, readable offline in any browser. Each chart is a
// <figure class="chart" id="chart-ID" data-series="..."> so a test (or a reader's tool) can find it.
using System.Net;
using System.Text;

namespace Skein.Bench.Lab.Report;

/// <summary>Renders index.html.</summary>
public static class LabHtml
{
    private const string Style = """
        body { font-family: "DejaVu Sans", system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; color: #222; padding: 0 1rem; }
        h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; margin-top: 2.5rem; }
        table { border-collapse: collapse; margin: 1rem 0; font-size: 0.85rem; }
        th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: right; vertical-align: top; }
        th:nth-child(-n+2), td:nth-child(-n+2) { text-align: left; } td:nth-child(3) { text-align: left; max-width: 22rem; }
        th { background: #f4f4f4; } tr.notok td { color: #888; }
        figure.chart { margin: 1rem 0; } figure.chart svg { max-width: 100%; height: auto; }
        figcaption { font-size: 0.9rem; color: #555; } .run { color: #555; } code { background: #f4f4f4; padding: 0 0.2rem; }
        """;

    /// <summary>The whole page; <paramref name="svg"/> returns a chart's SVG text by id.</summary>
    public static string Render(LabResults results, IReadOnlyList<string> conclusions, IReadOnlyList<LabChart> charts, Func<string, string> svg)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(conclusions);
        ArgumentNullException.ThrowIfNull(charts);
        ArgumentNullException.ThrowIfNull(svg);
        var h = new StringBuilder();
        h.AppendLine("<!DOCTYPE html>").AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        h.AppendLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        h.AppendLine("<title>Skein lab report</title>").Append("<style>").Append(Style).AppendLine("</style></head><body>");
        h.AppendLine("<h1>Skein lab report</h1>");
        h.AppendLine($"<p class=\"run\"><code>{E(results.Settings.CommandLine)}</code> — preset {E(results.Settings.Preset.ToString().ToLowerInvariant())}, "
            + $"{results.RoundsCompleted} of {results.Settings.Rounds} rounds{(results.Completed ? "" : " (interrupted)")}, {results.Machine.Cores} cores. "
            + "Each figure is the median of the rounds; grey rows are not results (failed, skipped or flagged).</p>");
        h.AppendLine("<h2 id=\"conclusions\">Conclusions (computed from this run)</h2><ul>");
        foreach (var line in conclusions)
        {
            h.AppendLine($"<li>{E(line.Trim())}</li>");
        }
        h.AppendLine("</ul>");
        foreach (var workload in results.Settings.Workloads)
        {
            h.AppendLine($"<h2 id=\"{LabWorkloads.Name(workload)}\">{E(LabTables.Title(workload))}</h2>");
            foreach (var chart in charts.Where(c => c.Workload == workload))
            {
                h.AppendLine($"<figure class=\"chart\" id=\"chart-{chart.Id}\" data-series=\"{E(string.Join(",", chart.Series))}\">");
                h.AppendLine(InlineSvg(svg(chart.Id)));
                h.AppendLine($"<figcaption>{E(chart.Caption)}</figcaption></figure>");
            }
            Table(h, LabTables.Workload(results, workload), workloadTable: true);
        }
        h.AppendLine("<h2 id=\"machine\">Machine and settings</h2>");
        Table(h, LabTables.Machine(results), workloadTable: false);
        Table(h, LabTables.Servers(results), workloadTable: false);
        Table(h, LabTables.Cells(results), workloadTable: false);
        h.AppendLine("<p>Raw figures: <code>results.json</code> (schema: <code>results.schema.json</code>); latency distributions (wrk2's .hgrm format): <code>hgrm/</code>; charts: <code>charts/</code>.</p>");
        h.AppendLine("</body></html>");
        return h.ToString();
    }

    /// <summary>An SVG file's text without its XML declaration, ready to sit inside HTML.</summary>
    private static string InlineSvg(string text)
    {
        int start = text.IndexOf("<svg", StringComparison.Ordinal);
        return start < 0 ? text : text[start..];
    }

    private static void Table(StringBuilder h, LabTable table, bool workloadTable)
    {
        h.AppendLine($"<table><caption>{E(table.Title)}</caption><thead><tr>");
        foreach (var header in table.Headers)
        {
            h.Append($"<th>{E(header)}</th>");
        }
        h.AppendLine("</tr></thead><tbody>");
        foreach (var row in table.Rows)
        {
            // Column 3 of a workload table is the status: anything but "ok" is greyed.
            bool notOk = workloadTable && !row[2].StartsWith("ok", StringComparison.Ordinal);
            h.Append(notOk ? "<tr class=\"notok\">" : "<tr>");
            foreach (var cell in row)
            {
                h.Append($"<td>{E(cell)}</td>");
            }
            h.AppendLine("</tr>");
        }
        h.AppendLine("</tbody></table>");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
