// JsonFields: the two field shapes every tool's JSON output repeats (a duration in milliseconds, and a
// number that may be absent), so the schemas in docs/tools.md stay consistent. Writing helpers only.
using System.Text.Json;

namespace Skein.Bench.Reports;

/// <summary>Shared field writers for the tools' JSON output.</summary>
public static class JsonFields
{
    /// <summary>Writes <paramref name="time"/> in milliseconds rounded to microseconds, or null when absent.</summary>
    public static void WriteMilliseconds(Utf8JsonWriter json, string name, TimeSpan? time)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (time is { } t)
        {
            json.WriteNumber(name, Math.Round(t.TotalMilliseconds, 3));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    /// <summary>Writes <paramref name="value"/>, or null when absent.</summary>
    public static void WriteNumberOrNull(Utf8JsonWriter json, string name, double? value)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
