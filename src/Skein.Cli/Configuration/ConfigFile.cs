// A configuration file of `skein serve`: one JSON object whose keys are serve's long option names, the rows
// of Grammar/OptionTable ("port", "header-timeout", "access-log"), and whose values are what the option
// takes on the command line (8080, "10s", "64KiB", true). It only turns the file into option tokens
// ("--port=8080"), so every value then goes through its option's own parser, range check and error phrase:
// a key and its option cannot drift apart. It does not merge with the command line (ServeConfiguration does).
using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Skein.Cli.Grammar;

namespace Skein.Cli.Configuration;

/// <summary>One key of a configuration file, as the option tokens it stands for.</summary>
/// <param name="Option">The option the key names.</param>
/// <param name="Key">The key as written (the option's long name).</param>
/// <param name="Tokens">What the command line would say: <c>--port=8080</c>, <c>--verbose</c>, or nothing for <c>false</c>.</param>
public sealed record ConfigEntry(Option Option, string Key, IReadOnlyList<string> Tokens);

/// <summary>Reads a configuration file into <see cref="ConfigEntry"/>s.</summary>
public static class ConfigFile
{
    // Comments and trailing commas are allowed: people annotate configuration files.
    private static readonly JsonDocumentOptions Json = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Reads <paramref name="path"/>, whose keys must be the long names of <paramref name="options"/>.
    /// False with one line saying what is wrong (the file and the key) when the file is not such an object;
    /// values are checked later, by the options themselves.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static bool TryRead(string path, IReadOnlyCollection<Option> options, [NotNullWhen(true)] out IReadOnlyList<ConfigEntry>? entries, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        return TryParse(File.ReadAllBytes(path), Path.GetFileName(path), options, out entries, out error);
    }

    /// <summary>As <see cref="TryRead"/>, from the bytes of a file named <paramref name="name"/> in errors.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> json, string name, IReadOnlyCollection<Option> options, [NotNullWhen(true)] out IReadOnlyList<ConfigEntry>? entries, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        entries = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Json);
        }
        catch (JsonException e)
        {
            error = $"{name}: not valid JSON at line {e.LineNumber + 1}, column {e.BytePositionInLine + 1}";
            return false;
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = $"{name}: expected one JSON object of options ({{\"port\": 8080}}), found {Describe(document.RootElement.ValueKind)}";
                return false;
            }
            var byName = options.OfType<ISkeinOption>().ToDictionary(o => o.Row.Name, o => (Option)o, StringComparer.Ordinal);
            var read = new List<ConfigEntry>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var key = property.Name;
                if (!byName.TryGetValue(key, out var option))
                {
                    error = $"{name}: unknown key \"{key}\"; the keys are serve's long option names (skein serve --help)";
                    return false;
                }
                if (read.Any(e => e.Key == key))
                {
                    error = $"{name}: \"{key}\" is given twice; give it once";
                    return false;
                }
                if (!TryTokens(option, property.Value, out var tokens))
                {
                    error = $"{name}: \"{key}\": {Describe(property.Value)} is not {Accepted(option)}";
                    return false;
                }
                read.Add(new ConfigEntry(option, key, tokens));
            }
            entries = read;
            error = null;
            return true;
        }
    }

    // What the command line would say for this value. A switch takes true or false; an option that may be
    // given alone (--access-log) takes true for "alone", false for "absent", or its value; one that may be
    // repeated takes an array; any other takes a string or a number, written exactly as in the file.
    private static bool TryTokens(Option option, JsonElement value, [NotNullWhen(true)] out IReadOnlyList<string>? tokens)
    {
        tokens = null;
        var form = "--" + ((ISkeinOption)option).Row.Name;
        var arity = option.Arity;
        switch (value.ValueKind)
        {
            case JsonValueKind.True when arity.MinimumNumberOfValues == 0:
                tokens = [form];
                return true;
            case JsonValueKind.False when arity.MinimumNumberOfValues == 0:
                tokens = [];
                return true;
            case JsonValueKind.String or JsonValueKind.Number when arity.MaximumNumberOfValues > 0:
                tokens = [$"{form}={Scalar(value)}"];
                return true;
            case JsonValueKind.Array when arity.MaximumNumberOfValues > 1:
                var items = new List<string>();
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
                    {
                        return false;
                    }
                    items.Add($"{form}={Scalar(item)}");
                }
                tokens = items;
                return true;
            default:
                return false;
        }
    }

    private static string Accepted(Option option) => option.Arity.MaximumNumberOfValues == 0 ? "true or false"
        : option.Arity.MinimumNumberOfValues == 0 ? "true, false or " + ((ISkeinOption)option).Accepted
        : ((ISkeinOption)option).Accepted;

    // A string as it is; a number as written (8080, 1.5), so "a plain number keeps the option's unit" holds here too.
    private static string Scalar(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"'{value.GetString()}'",
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        var kind => Describe(kind),
    };

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Null => "null",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => "true or false",
    };
}
