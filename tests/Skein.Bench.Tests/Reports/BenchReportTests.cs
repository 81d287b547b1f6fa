// What `skein bench` shows and how it judges a run: the plain lines carry the JSON's fields, a terminal
// without escapes gets none, a constant-rate run that fell more than 5% short is called out, and a run in
// which nothing succeeded says why.
using System.Text.Json;
using Skein.Bench.Latency;
using Skein.Bench.Load;
using Skein.Bench.Reports;

namespace Skein.Bench.Tests.Reports;

public sealed class BenchReportTests
{
    private static LoadResult Result(double? rate = null, long requests = 1000, ErrorCounts errors = default)
    {
        var latency = LatencyHistograms.Create();
        LatencyHistograms.Record(latency, 1_000_000);
        var settings = new LoadSettings { Url = new Uri("http://127.0.0.1:8085/"), Rate = rate, Headers = ["X-A: b"] };
        return new LoadResult(settings, TimeSpan.FromSeconds(1), requests, requests * 100, errors, latency);
    }

    [Fact]
    public void The_plain_lines_carry_every_field_of_the_json()
    {
        var result = Result(rate: 1000);
        using var json = new MemoryStream();
        BenchReport.WriteJson(result, json);
        var jsonKeys = new List<string>();
        Flatten(JsonDocument.Parse(json.ToArray()).RootElement, "", jsonKeys);

        var lines = new StringWriter();
        BenchReport.WriteSettingsLines(result.Settings, lines);
        BenchReport.WriteResultLines(result, lines);
        var lineKeys = lines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]).ToList();

        Assert.Equal(jsonKeys, lineKeys);
        Assert.StartsWith("url: http://127.0.0.1:8085/\n", lines.ToString(), StringComparison.Ordinal);
        Assert.Contains("settings.headers: X-A: b\n", lines.ToString(), StringComparison.Ordinal);
        Assert.Contains("requests_per_second: 1000\n", lines.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_terminal_without_colour_gets_the_tables_without_a_single_escape()
    {
        var output = new StringWriter();
        var console = Terminal.Console(OutputKind.PlainTerminal, output);
        BenchReport.WriteHeading(Result().Settings, console);
        BenchReport.WriteTable(Result(), console);
        Assert.Contains("Requests/s", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output.ToString());
    }

    [Theory]
    [InlineData(false, null, null, OutputKind.AnsiTerminal)]
    [InlineData(false, null, "xterm-256color", OutputKind.AnsiTerminal)]
    [InlineData(false, "", null, OutputKind.AnsiTerminal)] // NO_COLOR counts only when not empty (no-color.org)
    [InlineData(false, "1", null, OutputKind.PlainTerminal)]
    [InlineData(false, null, "dumb", OutputKind.PlainTerminal)]
    [InlineData(true, null, "xterm", OutputKind.Pipe)]
    [InlineData(true, "1", null, OutputKind.Pipe)]
    public void Colour_and_a_live_bar_only_on_a_terminal_and_never_under_NO_COLOR(bool redirected, string? noColor, string? term, OutputKind expected)
        => Assert.Equal(expected, Terminal.Detect(redirected, noColor, term));

    [Theory]
    [InlineData(1000.0, 900, true)]
    [InlineData(1000.0, 949, true)]
    [InlineData(1000.0, 951, false)]
    [InlineData(1000.0, 1000, false)]
    [InlineData(null, 10, false)]
    public void A_constant_rate_run_more_than_5_percent_short_is_called_out(double? rate, long requests, bool warned)
    {
        var warning = BenchReport.RateShortfall(Result(rate, requests));
        Assert.Equal(warned, warning is not null);
        if (warning is not null)
        {
            Assert.Contains($"achieved {requests:N0} requests/s", warning, StringComparison.Ordinal);
            Assert.Contains("of the 1,000 asked with -R", warning, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_run_without_one_2xx_response_has_not_succeeded_and_says_what_happened()
    {
        var refused = Result(requests: 0, errors: new ErrorCounts(Connect: 42, Read: 0, Write: 0, Timeout: 0, Non2xx: 0));
        Assert.Equal(0, BenchReport.Succeeded(refused));
        Assert.Contains("42 connect", BenchReport.NothingSucceeded(refused), StringComparison.Ordinal);

        var allNotFound = Result(requests: 7, errors: new ErrorCounts(0, 0, 0, 0, Non2xx: 7));
        Assert.Equal(0, BenchReport.Succeeded(allNotFound));
        Assert.Contains("7 non-2xx", BenchReport.NothingSucceeded(allNotFound), StringComparison.Ordinal);

        Assert.Equal(1000, BenchReport.Succeeded(Result()));
    }

    private static void Flatten(JsonElement element, string prefix, List<string> keys)
    {
        foreach (var property in element.EnumerateObject())
        {
            var key = prefix + property.Name;
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                Flatten(property.Value, key + ".", keys);
            }
            else if (property.Value.ValueKind == JsonValueKind.Array)
            {
                keys.AddRange(property.Value.EnumerateArray().Select(_ => key));
            }
            else
            {
                keys.Add(key);
            }
        }
    }
}
