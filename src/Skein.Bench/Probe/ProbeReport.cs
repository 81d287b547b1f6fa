// ProbeReport: renders a probe in the seeds' test_my_server format (one line per request, then the total),
// plus the spread and the ideal; or as JSON (schema in docs/tools.md). Rendering only.
using System.Globalization;
using System.Text.Json;
using Skein.Bench.Reports;

namespace Skein.Bench.Probe;

/// <summary>Text and JSON renderings of a probe.</summary>
public static class ProbeReport
{
    /// <summary>One request's line, as test_my_server printed it.</summary>
    public static string Line(Uri url, ProbeSample sample) => sample.Status is { } status
        ? string.Create(CultureInfo.InvariantCulture, $"{url} - Status Code: {status}, took {sample.Elapsed.TotalMilliseconds:0.00} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{url} - failed after {sample.Elapsed.TotalMilliseconds:0.00} ms: {sample.Error}");

    /// <summary>The closing lines: total, spread, ideal.</summary>
    public static IEnumerable<string> Summary(ProbeResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        int n = result.Settings.Clients;
        yield return string.Create(CultureInfo.InvariantCulture, $"Total time taken {result.Total.TotalMilliseconds:0.00} ms");
        yield return string.Create(CultureInfo.InvariantCulture, $"Spread (slowest - fastest) {result.Spread.TotalMilliseconds:0.00} ms");
        if (result.Ideal is { } ideal && result.IdealOnCores is { } onCores)
        {
            var cores = result.Settings.ServerCores;
            var alone = ideal.TotalMilliseconds;
            var serial = string.Create(CultureInfo.InvariantCulture, $"one at a time would take {alone * n:0.00} ms");
            yield return result.Settings.Work switch
            {
                ProbeWork.Waits => string.Create(CultureInfo.InvariantCulture,
                    $"Ideal {alone:0.00} ms (one request alone: all {n} served at once); {serial}"),
                ProbeWork.Computes => string.Create(CultureInfo.InvariantCulture,
                    $"Ideal {onCores.TotalMilliseconds:0.00} ms on {cores} core(s) ({n} CPU-bound requests, {Math.Ceiling(n / (double)cores)} per core, {alone:0.00} ms each alone); {serial}"),
                _ => string.Create(CultureInfo.InvariantCulture,
                    $"Ideal {alone:0.00} ms if the work waits (all {n} at once), {onCores.TotalMilliseconds:0.00} ms if it computes on {cores} core(s); {serial}"),
            };
        }
        if (result.Failed > 0)
        {
            yield return $"{result.Failed} of {n} requests failed";
        }
    }

    /// <summary>Writes the probe as JSON.</summary>
    public static void WriteJson(ProbeResult result, Stream output)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("url", result.Settings.Url.ToString());
        json.WriteNumber("clients", result.Settings.Clients);
        json.WriteStartArray("requests");
        foreach (var s in result.Samples)
        {
            json.WriteStartObject();
            json.WriteNumber("client", s.Client);
            JsonFields.WriteNumberOrNull(json, "status", s.Status);
            JsonFields.WriteMilliseconds(json, "ms", s.Elapsed);
            if (s.Error is not null)
            {
                json.WriteString("error", s.Error);
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        JsonFields.WriteMilliseconds(json, "total_ms", result.Total);
        JsonFields.WriteMilliseconds(json, "spread_ms", result.Spread);
        JsonFields.WriteMilliseconds(json, "ideal_ms", result.Ideal);
        json.WriteNumber("cores", result.Settings.ServerCores);
        JsonFields.WriteMilliseconds(json, "ideal_on_cores_ms", result.IdealOnCores);
        json.WriteNumber("failed", result.Failed);
        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
    }
}
