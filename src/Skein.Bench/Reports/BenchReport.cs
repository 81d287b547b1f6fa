// BenchReport: renders a LoadResult for people at a terminal (a heading and Spectre.Console tables), for
// pipes and files (plain "key: value" lines), or for programs (JSON, the schema in docs/tools.md; the
// plain lines carry the same fields), and judges it (rate shortfall, nothing succeeded). It does not
// measure anything and holds no state.
using System.Globalization;
using Skein.Bench.Latency;
using Skein.Bench.Load;
using Spectre.Console;

namespace Skein.Bench.Reports;

/// <summary>Human and JSON renderings of a <see cref="LoadResult"/>.</summary>
public static class BenchReport
{
    /// <summary>The percentiles reported, as wrk2 prints them (plus the maximum).</summary>
    public static IReadOnlyList<double> Percentiles { get; } = [50, 90, 99, 99.9, 99.99];

    /// <summary>Writes the result as one JSON object (schema in docs/tools.md).</summary>
    public static void WriteJson(LoadResult result, Stream output) => ReportFields.WriteJson(Sections(result), output);

    /// <summary>Writes what the run will do as plain "key: value" lines (the <c>url</c> and <c>settings.*</c>
    /// fields of the JSON), before it starts, for output that is not a terminal.</summary>
    public static void WriteSettingsLines(LoadSettings settings, TextWriter output) => ReportFields.WriteLines(SettingsSections(settings), output);

    /// <summary>Writes what the run measured as plain "key: value" lines (the JSON's other fields).</summary>
    public static void WriteResultLines(LoadResult result, TextWriter output) => ReportFields.WriteLines(ResultSections(result), output);

    /// <summary>The report's fields: the JSON object in docs/tools.md.</summary>
    public static IEnumerable<ReportSection> Sections(LoadResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return SettingsSections(result.Settings).Concat(ResultSections(result));
    }

    private static IEnumerable<ReportSection> SettingsSections(LoadSettings s)
    {
        ArgumentNullException.ThrowIfNull(s);
        yield return new(null, [new("url", s.Url.ToString())]);
        yield return new("settings",
        [
            new("connections", s.Connections), new("threads", s.Threads), new("duration_s", s.Duration.TotalSeconds),
            new("rate", s.Rate), new("keep_alive", s.KeepAlive), new("timeout_s", s.Timeout.TotalSeconds),
            new("headers", s.Headers),
        ]);
    }

    private static IEnumerable<ReportSection> ResultSections(LoadResult result)
    {
        yield return new(null,
        [
            new("elapsed_s", Math.Round(result.Elapsed.TotalSeconds, 6)), new("requests", result.Requests),
            new("requests_per_second", Math.Round(result.RequestsPerSecond, 2)), new("bytes", result.BytesRead),
            new("bytes_per_second", Math.Round(result.BytesPerSecond, 2)),
        ]);
        yield return new("latency_ms",
        [
            .. Percentiles.Select(p => new ReportField(PercentileKey(p), Math.Round(result.LatencyMs(p), 4))),
            new("max", Math.Round(result.MaxLatencyMs, 4)),
            new("mean", Math.Round(LatencyHistograms.MeanMilliseconds(result.Latency), 4)),
            new("stdev", Math.Round(LatencyHistograms.StandardDeviationMilliseconds(result.Latency), 4)),
        ]);
        var e = result.Errors;
        yield return new("errors",
        [
            new("connect", e.Connect), new("read", e.Read), new("write", e.Write), new("timeout", e.Timeout),
            new("non_2xx", e.Non2xx), new("total", e.Total),
        ]);
    }

    /// <summary>Responses with a 2xx status: the requests that succeeded.</summary>
    public static long Succeeded(LoadResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Requests - result.Errors.Non2xx;
    }

    /// <summary>A warning when a constant-rate run delivered less than 95% of the rate asked for with -R (the
    /// client or the server could not keep up, so the schedule slipped); null otherwise.</summary>
    public static string? RateShortfall(LoadResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Settings.Rate is not { } asked || result.RequestsPerSecond >= asked * (1 - RateTolerance))
        {
            return null;
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"achieved {result.RequestsPerSecond:N0} requests/s, {100 * result.RequestsPerSecond / asked:0}% of the {asked:N0} asked with -R: the server or this client could not keep up, so latencies include the backlog");
    }

    /// <summary>How far below -R the achieved rate may fall before <see cref="RateShortfall"/> warns: 5%.</summary>
    public const double RateTolerance = 0.05;

    /// <summary>Why no request succeeded, by the kinds of failure seen (for a run with no 2xx response).</summary>
    public static string NothingSucceeded(LoadResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var e = result.Errors;
        var kinds = new[] { ("connect", e.Connect), ("read", e.Read), ("write", e.Write), ("timeout", e.Timeout), ("non-2xx", e.Non2xx) }
            .Where(k => k.Item2 > 0)
            .Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Item2:N0} {k.Item1}"));
        var seen = string.Join(", ", kinds);
        return $"no request succeeded ({(seen.Length > 0 ? seen : "no response at all")}) against {result.Settings.Url}";
    }

    /// <summary>"p50", "p99_9", "p99_99": JSON keys without dots.</summary>
    public static string PercentileKey(double percentile) =>
        "p" + percentile.ToString("0.##", CultureInfo.InvariantCulture).Replace('.', '_');

    /// <summary>Writes what the run will do as one line, before it starts, to <paramref name="console"/>.</summary>
    public static void WriteHeading(LoadSettings s, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(console);
        string mode = s.Rate is { } rate
            ? $"constant rate {rate.ToString("0.##", CultureInfo.InvariantCulture)} req/s (latency from scheduled send)"
            : "as fast as possible (closed loop)";
        console.MarkupLine($"[bold]{Markup.Escape(s.Url.ToString())}[/]: {s.Connections} connection{(s.Connections == 1 ? "" : "s")}, {s.Threads} thread{(s.Threads == 1 ? "" : "s")}, " +
            $"{s.Duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s, {mode}, {(s.KeepAlive ? "keep-alive" : "new connection per request")}");
    }

    /// <summary>Writes the result as tables to <paramref name="console"/>.</summary>
    public static void WriteTable(LoadResult result, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(console);
        var totals = new Table().Border(TableBorder.Rounded).AddColumn("Measure").AddColumn(new TableColumn("Value").RightAligned());
        totals.AddRow("Requests", result.Requests.ToString("N0", CultureInfo.InvariantCulture));
        totals.AddRow("Requests/s", result.RequestsPerSecond.ToString("N2", CultureInfo.InvariantCulture));
        totals.AddRow("Transfer/s", FormatBytes(result.BytesPerSecond) + "/s");
        totals.AddRow("Elapsed", result.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s");
        console.Write(totals);

        var latency = new Table().Border(TableBorder.Rounded).AddColumn("Latency").AddColumn(new TableColumn("ms").RightAligned());
        foreach (double p in Percentiles)
        {
            latency.AddRow($"p{p.ToString("0.##", CultureInfo.InvariantCulture)}", result.LatencyMs(p).ToString("0.000", CultureInfo.InvariantCulture));
        }
        latency.AddRow("max", result.MaxLatencyMs.ToString("0.000", CultureInfo.InvariantCulture));
        latency.AddRow("mean ± stdev", $"{LatencyHistograms.MeanMilliseconds(result.Latency).ToString("0.000", CultureInfo.InvariantCulture)} ± {LatencyHistograms.StandardDeviationMilliseconds(result.Latency).ToString("0.000", CultureInfo.InvariantCulture)}");
        console.Write(latency);

        var errors = new Table().Border(TableBorder.Rounded).AddColumn("Errors").AddColumn(new TableColumn("Count").RightAligned());
        errors.AddRow("connect", result.Errors.Connect.ToString(CultureInfo.InvariantCulture));
        errors.AddRow("read", result.Errors.Read.ToString(CultureInfo.InvariantCulture));
        errors.AddRow("write", result.Errors.Write.ToString(CultureInfo.InvariantCulture));
        errors.AddRow("timeout", result.Errors.Timeout.ToString(CultureInfo.InvariantCulture));
        errors.AddRow("non-2xx", result.Errors.Non2xx.ToString(CultureInfo.InvariantCulture));
        console.Write(errors);
    }

    private static string FormatBytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB"];
        int unit = 0;
        while (bytes >= 1024 && unit < units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }
        return bytes.ToString("0.00", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
