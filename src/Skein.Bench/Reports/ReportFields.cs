// ReportFields: a tool's result as named fields in sections, written either as one JSON object (sections
// nest) or as plain "section.key: value" lines (for pipes and files: one fact per line, easy to grep and
// cut). One list feeds both, so the JSON schema in docs/tools.md and the plain lines cannot drift apart.
using System.Globalization;
using System.Text.Json;

namespace Skein.Bench.Reports;

/// <summary>One named value: a string, a whole number, a number, a boolean, null, or a list of strings.</summary>
public readonly record struct ReportField(string Key, object? Value);

/// <summary>Named fields under an optional section name (null: top level).</summary>
public sealed record ReportSection(string? Name, IReadOnlyList<ReportField> Fields);

/// <summary>Writes report sections as JSON or as plain lines.</summary>
public static class ReportFields
{
    /// <summary>Writes the sections as one indented JSON object and a newline.</summary>
    public static void WriteJson(IEnumerable<ReportSection> sections, Stream output)
    {
        ArgumentNullException.ThrowIfNull(sections);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        foreach (var section in sections)
        {
            if (section.Name is not null)
            {
                json.WriteStartObject(section.Name);
            }
            foreach (var field in section.Fields)
            {
                Write(json, field);
            }
            if (section.Name is not null)
            {
                json.WriteEndObject();
            }
        }
        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
    }

    /// <summary>Writes one "section.key: value" line per field (lists: one line per item), then flushes.</summary>
    public static void WriteLines(IEnumerable<ReportSection> sections, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(sections);
        ArgumentNullException.ThrowIfNull(output);
        foreach (var section in sections)
        {
            var prefix = section.Name is null ? "" : section.Name + ".";
            foreach (var field in section.Fields)
            {
                if (field.Value is IReadOnlyList<string> items)
                {
                    foreach (var item in items)
                    {
                        output.WriteLine($"{prefix}{field.Key}: {item}");
                    }
                }
                else
                {
                    output.WriteLine($"{prefix}{field.Key}: {Text(field.Value)}");
                }
            }
        }
        output.Flush();
    }

    private static string Text(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        double d => d.ToString("0.####", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static void Write(Utf8JsonWriter json, ReportField field)
    {
        switch (field.Value)
        {
            case null:
                json.WriteNull(field.Key);
                break;
            case string s:
                json.WriteString(field.Key, s);
                break;
            case bool b:
                json.WriteBoolean(field.Key, b);
                break;
            case int i:
                json.WriteNumber(field.Key, i);
                break;
            case long l:
                json.WriteNumber(field.Key, l);
                break;
            case double d:
                json.WriteNumber(field.Key, d);
                break;
            case IReadOnlyList<string> items:
                json.WriteStartArray(field.Key);
                foreach (var item in items)
                {
                    json.WriteStringValue(item);
                }
                json.WriteEndArray();
                break;
            default:
                throw new ArgumentException($"field '{field.Key}' has a value of a kind reports do not write", nameof(field));
        }
    }
}
