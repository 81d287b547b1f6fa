// CometReport: renders a comet test for people (a few lines) or programs (JSON, schema in docs/tools.md).
using System.Globalization;
using System.Text.Json;
using Skein.Bench.Reports;

namespace Skein.Bench.Comet;

/// <summary>Text and JSON renderings of a comet test.</summary>
public static class CometReport
{
    /// <summary>The human summary, one line each.</summary>
    public static IEnumerable<string> Lines(CometResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        int n = result.Settings.Clients;
        var inv = CultureInfo.InvariantCulture;
        yield return string.Create(inv, $"{result.Settings.Url}: {n} clients on {result.Settings.PathOf("wait")}");
        yield return string.Create(inv, $"connected: {result.Connected} of {n} in {result.ConnectAll.TotalMilliseconds:0.0} ms");
        yield return result.Registered is { } r
            ? string.Create(inv, $"registered (/waiters = {n}): after {r.TotalMilliseconds:0.0} ms")
            : "registered: not confirmed by /waiters";
        yield return $"notify answered: {(result.NotifyAnswer is { } answer ? CometRunner.Truncate(answer) : "(failed)")}";
        yield return string.Create(inv, $"notify to last answer: {result.NotifyToLastAnswer.TotalMilliseconds:0.0} ms");
        yield return $"answered {n}: {result.Succeeded} of {n}";
        foreach (var (kind, count) in result.Failures.OrderBy(f => f.Key))
        {
            yield return $"errors ({kind}): {count}";
        }
        foreach (var message in result.Messages)
        {
            yield return "  " + message;
        }
        yield return result.Passed ? "PASS" : "FAIL";
    }

    /// <summary>Writes the result as JSON.</summary>
    public static void WriteJson(CometResult result, Stream output)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("url", result.Settings.Url.ToString());
        json.WriteNumber("clients", result.Settings.Clients);
        json.WriteNumber("connected", result.Connected);
        JsonFields.WriteMilliseconds(json, "connect_all_ms", result.ConnectAll);
        JsonFields.WriteMilliseconds(json, "registered_ms", result.Registered);
        json.WriteString("notify_answer", result.NotifyAnswer);
        JsonFields.WriteMilliseconds(json, "notify_to_last_answer_ms", result.NotifyToLastAnswer);
        json.WriteNumber("succeeded", result.Succeeded);
        json.WriteStartObject("errors");
        foreach (CometFailure kind in Enum.GetValues<CometFailure>())
        {
            json.WriteNumber(JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString()), result.Failures.GetValueOrDefault(kind));
        }
        json.WriteEndObject();
        json.WriteStartArray("messages");
        foreach (var m in result.Messages)
        {
            json.WriteStringValue(m);
        }
        json.WriteEndArray();
        json.WriteBoolean("passed", result.Passed);
        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
    }
}
