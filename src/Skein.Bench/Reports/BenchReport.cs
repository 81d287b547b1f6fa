// BenchReport: renders a LoadResult for people (a Spectre.Console table) or for programs (JSON, the schema
// documented in docs/tools.md). It does not measure anything and holds no state.
using System.Globalization;
using System.Text.Json;
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
    public static void WriteJson(LoadResult result, Stream output)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        var s = result.Settings;
        json.WriteStartObject();
        json.WriteString("url", s.Url.ToString());
        json.WriteStartObject("settings");
        json.WriteNumber("connections", s.Connections);
        json.WriteNumber("threads", s.Threads);
        json.WriteNumber("duration_s", s.Duration.TotalSeconds);
        JsonFields.WriteNumberOrNull(json, "rate", s.Rate);
        json.WriteBoolean("keep_alive", s.KeepAlive);
        json.WriteNumber("timeout_s", s.Timeout.TotalSeconds);
        json.WriteStartArray("headers");
        foreach (var header in s.Headers)
        {
            json.WriteStringValue(header);
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteNumber("elapsed_s", Math.Round(result.Elapsed.TotalSeconds, 6));
        json.WriteNumber("requests", result.Requests);
        json.WriteNumber("requests_per_second", Math.Round(result.RequestsPerSecond, 2));
        json.WriteNumber("bytes", result.BytesRead);
        json.WriteNumber("bytes_per_second", Math.Round(result.BytesPerSecond, 2));
        json.WriteStartObject("latency_ms");
        foreach (double p in Percentiles)
        {
            json.WriteNumber(PercentileKey(p), Math.Round(result.LatencyMs(p), 4));
        }
        json.WriteNumber("max", Math.Round(result.MaxLatencyMs, 4));
        json.WriteNumber("mean", Math.Round(LatencyHistograms.MeanMilliseconds(result.Latency), 4));
        json.WriteNumber("stdev", Math.Round(LatencyHistograms.StandardDeviationMilliseconds(result.Latency), 4));
        json.WriteEndObject();
        json.WriteStartObject("errors");
        json.WriteNumber("connect", result.Errors.Connect);
        json.WriteNumber("read", result.Errors.Read);
        json.WriteNumber("write", result.Errors.Write);
        json.WriteNumber("timeout", result.Errors.Timeout);
        json.WriteNumber("non_2xx", result.Errors.Non2xx);
        json.WriteNumber("total", result.Errors.Total);
        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
    }

    /// <summary>"p50", "p99_9", "p99_99": JSON keys without dots.</summary>
    public static string PercentileKey(double percentile) =>
        "p" + percentile.ToString("0.##", CultureInfo.InvariantCulture).Replace('.', '_');

    /// <summary>Writes the result as tables to <paramref name="console"/>.</summary>
    public static void WriteTable(LoadResult result, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(console);
        var s = result.Settings;
        string mode = s.Rate is { } rate
            ? $"constant rate {rate.ToString("0.##", CultureInfo.InvariantCulture)} req/s (latency from scheduled send)"
            : "as fast as possible (closed loop)";
        console.MarkupLine($"[bold]{Markup.Escape(s.Url.ToString())}[/]: {s.Connections} connections, {s.Threads} threads, " +
            $"{s.Duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s, {mode}, {(s.KeepAlive ? "keep-alive" : "new connection per request")}");

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
