// One row of the option table: an option's name (its long form, and its key in a future config file), its
// letter if it has one, and what it means. Every option of every command is made from a row, through the
// typed builders here, so a letter cannot drift to a second meaning and every value goes through one
// grammar (Units) with one error format. It holds no values: those are in the command's parse result.
using System.Globalization;
using System.Numerics;

namespace Skein.Cli.Grammar;

/// <summary>An option's name, letter and meaning, and the builders that make typed options from it.</summary>
/// <param name="Name">The long name without dashes (<c>port</c> for <c>--port</c>); also the config-file key.</param>
/// <param name="Letter">The short form (<c>p</c> for <c>-p</c>), or null; it means the same in every command.</param>
/// <param name="Meaning">A few words for the letter table in <c>skein --help</c> and the README.</param>
public sealed record OptionName(string Name, char? Letter, string Meaning)
{
    /// <summary>The longest duration any option accepts: 24 days, 2^31 ms, within every .NET timer's range.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(24);

    /// <summary>"--port".</summary>
    public string LongForm => "--" + Name;

    /// <summary>"-p", or null.</summary>
    public string? ShortForm => Letter is { } letter ? "-" + letter : null;

    /// <summary>An on/off switch (absent: off).</summary>
    public SkeinOption<bool> Flag(string description)
        => new(this, description, "", "no value") { Arity = System.CommandLine.ArgumentArity.Zero };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public SkeinOption<int> Count(int defaultValue, string description, int min = 1, int max = int.MaxValue, string helpName = "n")
    {
        var accepted = CountRange(min, max);
        return Parsed(description, helpName, accepted, (string text, out int value) =>
                int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max ? null : accepted)
            .WithDefault(defaultValue, defaultValue.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, or null when absent (for a
    /// default that depends on other options, which <paramref name="description"/> explains).</summary>
    public SkeinOption<int?> OptionalCount(string description, int min = 1, int max = int.MaxValue, string helpName = "n")
    {
        var accepted = CountRange(min, max);
        return Parsed(description, helpName, accepted, (string text, out int? value) =>
        {
            value = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : null;
            return value is null ? accepted : null;
        });
    }

    /// <summary>A duration with units (see <see cref="Units.TryParseDuration"/>); a plain number is seconds.
    /// Above zero unless <paramref name="allowZero"/>; at most <see cref="MaxDuration"/>.</summary>
    public SkeinOption<TimeSpan> Duration(TimeSpan defaultValue, string description, bool allowZero = false)
    {
        var grammar = "a duration " + Units.DurationExamples;
        var range = $"a duration {(allowZero ? "from 0" : "above 0")} up to {Units.FormatDuration(MaxDuration)}";
        return Parsed(description, "duration", grammar, (string text, out TimeSpan value) =>
                !Units.TryParseDuration(text, TimeSpan.FromSeconds(1), out value) ? grammar
                : (allowZero ? value >= TimeSpan.Zero : value > TimeSpan.Zero) && value <= MaxDuration ? null
                : range)
            .WithDefault(defaultValue, Units.FormatDuration(defaultValue));
    }

    /// <summary>A size in bytes with units (see <see cref="Units.TryParseSize"/>); a plain number is bytes;
    /// from <paramref name="min"/> to the largest <typeparamref name="T"/>.</summary>
    public SkeinOption<T> Size<T>(T defaultValue, string description, long min = 1)
        where T : struct, IBinaryInteger<T>, IMinMaxValue<T>
    {
        var max = long.CreateSaturating(T.MaxValue);
        var grammar = "a size " + Units.SizeExamples;
        var range = max == long.MaxValue || max == int.MaxValue
            ? $"a size of at least {Units.FormatSize(min)} bytes"
            : $"a size from {Units.FormatSize(min)} to {Units.FormatSize(max)} bytes";
        return Parsed(description, "size", grammar, (string text, out T value) =>
            {
                value = default;
                if (!Units.TryParseSize(text, 1, out var bytes))
                {
                    return grammar;
                }
                if (bytes < min || bytes > max)
                {
                    return range;
                }
                value = T.CreateChecked(bytes);
                return null;
            })
            .WithDefault(defaultValue, Units.FormatSize(long.CreateChecked(defaultValue)));
    }

    /// <summary>A number above zero, or null when absent.</summary>
    public SkeinOption<double?> PositiveNumber(string description, string helpName)
    {
        const string Accepted = "a number above 0";
        return Parsed(description, helpName, Accepted, (string text, out double? value) =>
        {
            value = double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) && d > 0 && double.IsFinite(d) ? d : null;
            return value is null ? Accepted : null;
        });
    }

    /// <summary>One of the names <paramref name="nameOf"/> gives the values of <typeparamref name="TEnum"/>
    /// (any case).</summary>
    public SkeinOption<TEnum> Choice<TEnum>(TEnum defaultValue, Func<TEnum, string> nameOf, string description, string helpName)
        where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(nameOf);
        var values = Enum.GetValues<TEnum>();
        var accepted = "one of " + string.Join(", ", values.Select(nameOf));
        return Parsed(description, helpName, accepted, (string text, out TEnum value) =>
            {
                value = values.FirstOrDefault(v => string.Equals(nameOf(v), text, StringComparison.OrdinalIgnoreCase));
                return string.Equals(nameOf(value), text, StringComparison.OrdinalIgnoreCase) ? null : accepted;
            })
            .WithDefault(defaultValue, nameOf(defaultValue));
    }

    /// <summary>Text that <paramref name="isValid"/> accepts (anything when null); <paramref name="accepted"/>
    /// says what is valid. No default unless <paramref name="defaultValue"/> is given.</summary>
    public SkeinOption<string> Text(string? defaultValue, string description, string helpName, string accepted = "a value", Func<string, bool>? isValid = null)
    {
        var option = Parsed(description, helpName, accepted, (string text, out string value) =>
        {
            value = text;
            return isValid is null || isValid(text) ? null : accepted;
        });
        return defaultValue is null ? option : option.WithDefault(defaultValue, defaultValue);
    }

    /// <summary>An option that may be given alone or with a value (<c>--access-log</c> or
    /// <c>--access-log FILE</c>); the parse result's tokens tell which.</summary>
    public SkeinOption<string> OptionalText(string description, string helpName)
    {
        var option = Text(null, description, helpName);
        option.Arity = System.CommandLine.ArgumentArity.ZeroOrOne;
        return option;
    }

    /// <summary>Text that may be given any number of times, each occurrence with one value that
    /// <paramref name="isValid"/> accepts; <paramref name="accepted"/> says what is valid.</summary>
    public SkeinOption<string[]> Repeated(string description, string helpName, string accepted, Func<string, bool> isValid)
    {
        ArgumentNullException.ThrowIfNull(isValid);
        var option = new SkeinOption<string[]>(this, description, helpName, accepted)
        {
            AllowMultipleArgumentsPerToken = false,
            DefaultValueFactory = _ => [],
        };
        option.CustomParser = result =>
        {
            foreach (var token in result.Tokens)
            {
                if (!isValid(token.Value))
                {
                    result.AddError(option.Rejection(token.Value, accepted));
                    return [];
                }
            }
            return [.. result.Tokens.Select(t => t.Value)];
        };
        return option;
    }

    private static string CountRange(int min, int max) => max == int.MaxValue
        ? $"a whole number, {min} or more"
        : $"a whole number from {min} to {max}";

    private SkeinOption<T> Parsed<T>(string description, string helpName, string accepted, Parse<T> parse)
    {
        var option = new SkeinOption<T>(this, description, helpName, accepted);
        option.CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (parse(text, out var value) is { } expected)
            {
                result.AddError(option.Rejection(text, expected));
                return default!;
            }
            return value;
        };
        return option;
    }

    /// <summary>Parses <paramref name="text"/>; returns null when valid, otherwise what would have been.</summary>
    private delegate string? Parse<T>(string text, out T value);
}
