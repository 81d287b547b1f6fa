// What a user of `skein lab` finds in the report folder: a row for every model in every workload, charts
// that are well-formed SVG with one series per model, a results.json that validates against the schema
// checked in under docs/lab, and no server process left running. Numbers are never asserted: the run is
// a smoke test of the structure, on a machine that may be busy.
using System.Text.Json;
using System.Xml.Linq;
using Json.Schema;

namespace Skein.Lab.Tests;

[Collection(LabRuns.Name)]
public sealed class LabReportTests(QuickLabRun run) : IClassFixture<QuickLabRun>
{
    private static readonly string[] Workloads = ["static", "rate", "io", "cpu", "comet", "mixed"];

    [Fact]
    public void The_run_completes_and_writes_every_file()
    {
        Assert.True(run.ExitCode == 0, run.Output);
        foreach (var file in new[] { "index.html", "benchmark.md", "results.json", "results.schema.json" })
        {
            Assert.True(File.Exists(Path.Combine(run.Folder, file)), $"{file} missing:\n{run.Output}");
        }
        Assert.True(run.Results.RootElement.GetProperty("completed").GetBoolean());
    }

    [Fact]
    public void Every_model_and_workload_has_its_row()
    {
        var root = run.Results.RootElement;
        var cells = root.GetProperty("settings").GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal(Workloads.Order(), cells.Select(c => c.GetProperty("workload").GetString()).Distinct().Order());
        var targets = root.GetProperty("targets").EnumerateArray().ToList();
        Assert.Equal(QuickLabRun.Models, targets.Select(t => t.GetProperty("name").GetString()));
        foreach (var target in targets)
        {
            Assert.Equal(cells.Select(c => c.GetProperty("id").GetString()), target.GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        }

        // benchmark.md: one section per workload, each with a table row per model.
        var md = run.Read("benchmark.md");
        var sections = md.Split("\n## ");
        foreach (var workload in Workloads)
        {
            var section = sections.Single(s => s.StartsWith(workload + ":", StringComparison.Ordinal));
            foreach (var model in QuickLabRun.Models)
            {
                Assert.Contains($"\n| {model} | ", section, StringComparison.Ordinal);
            }
        }
        var html = run.Read("index.html");
        foreach (var workload in Workloads)
        {
            Assert.Contains($"<h2 id=\"{workload}\">", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_chart_is_well_formed_svg_with_one_series_per_model()
    {
        var charts = Directory.GetFiles(Path.Combine(run.Folder, "charts"), "*.svg");
        Assert.Contains(charts, c => c.EndsWith("io-response-time.svg", StringComparison.Ordinal));
        Assert.Contains(charts, c => c.EndsWith("cpu-response-time.svg", StringComparison.Ordinal));
        Assert.Contains(charts, c => c.EndsWith("static-throughput.svg", StringComparison.Ordinal));
        Assert.Contains(charts, c => c.EndsWith("rate-latency.svg", StringComparison.Ordinal));
        var html = run.Read("index.html");
        foreach (var chart in charts)
        {
            var svg = XDocument.Load(chart); // throws on malformed XML
            XNamespace ns = "http://www.w3.org/2000/svg";
            Assert.Equal(ns + "svg", svg.Root!.Name);
            Assert.True(File.Exists(Path.ChangeExtension(chart, ".png")), $"no PNG beside {chart}");
            var texts = svg.Descendants(ns + "text").Select(t => t.Value.Trim()).ToList();

            // The legend names each series once; the page lists the same series on the chart's figure.
            string id = Path.GetFileNameWithoutExtension(chart);
            var series = SeriesOf(html, id);
            Assert.NotEmpty(series);
            foreach (var name in series)
            {
                Assert.Equal(1, texts.Count(t => t == name));
            }
            var models = series.Where(QuickLabRun.Models.Contains).ToList();
            Assert.Equal(models.Distinct().Count(), models.Count);
            if (id is "io-response-time" or "cpu-response-time")
            {
                // Every model answers some /io and /cpu clients, however slowly: each has its line.
                Assert.Equal(QuickLabRun.Models, models);
            }
        }
    }

    [Fact]
    public void Results_json_validates_against_the_checked_in_schema()
    {
        var schemaPath = Path.Combine(RepositoryRoot(), "docs", "lab", "results.schema.json");
        var schema = JsonSchema.FromText(File.ReadAllText(schemaPath));
        using var instance = JsonDocument.Parse(run.Read("results.json"));
        var result = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("\n", (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(20)));
        // The copy written beside the results is the checked-in schema.
        Assert.Equal(File.ReadAllText(schemaPath), run.Read("results.schema.json"));
    }

    [Fact]
    public void No_server_process_is_left_behind_after_a_run()
    {
        foreach (var target in run.Results.RootElement.GetProperty("targets").EnumerateArray())
        {
            foreach (var r in target.GetProperty("runs").EnumerateArray())
            {
                var stop = r.GetProperty("stop");
                Assert.Equal(JsonValueKind.Object, stop.ValueKind);
                Assert.Equal(0, stop.GetProperty("exit_code").GetInt32());
                Assert.Empty(stop.GetProperty("leftover_pids").EnumerateArray());
                foreach (var pid in stop.GetProperty("pids_seen").EnumerateArray())
                {
                    Assert.False(ProcessCheck.IsSkein(pid.GetInt32()), $"{target.GetProperty("name")}: pid {pid} still runs");
                }
            }
        }
    }

    [Fact]
    public void The_page_renders_in_headless_chromium_with_every_chart()
    {
        var page = Path.Combine(run.Folder, "index.html");
        var browser = HeadlessBrowser.Find();
        if (browser is null)
        {
            // .ci/run installs chromium; a developer machine without it cannot run this check.
            Assert.True(Environment.GetEnvironmentVariable("CI") is null, "chromium is not installed, and CI must have it (.ci/run installs it)");
            return;
        }
        var screenshot = Path.Combine(run.Folder, "screenshot.png");
        var dom = HeadlessBrowser.Render(browser, page, screenshot);

        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is (nearly) empty");
        foreach (var svg in Directory.GetFiles(Path.Combine(run.Folder, "charts"), "*.svg"))
        {
            string id = Path.GetFileNameWithoutExtension(svg);
            int figure = dom.IndexOf($"id=\"chart-{id}\"", StringComparison.Ordinal);
            Assert.True(figure >= 0, $"the rendered page has no chart {id}");
            Assert.True(dom.IndexOf("<svg", figure, StringComparison.Ordinal) > figure, $"chart {id} has no svg");
        }
    }

    private static List<string> SeriesOf(string html, string chartId)
    {
        string marker = $"id=\"chart-{chartId}\" data-series=\"";
        int at = html.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"index.html has no chart {chartId}");
        int start = at + marker.Length;
        string value = System.Net.WebUtility.HtmlDecode(html[start..html.IndexOf('"', start)]);
        return [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries)];
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Skein.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("the repository root (Skein.sln) is not above the test binaries");
    }
}
