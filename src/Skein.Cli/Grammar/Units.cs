// The one parser for quantities typed on the command line (and, later, in a config file): durations
// ("30s", "500ms", "2m", "1h", "1d") and sizes ("64KiB", "10M", "512"). A plain number keeps the unit the
// option documents (seconds for durations, bytes for sizes), so old command lines stay valid. It parses
// and formats only; ranges are the option's business (OptionValues).
using System.Globalization;

namespace Skein.Cli.Grammar;

/// <summary>Parses and formats durations and sizes.</summary>
public static class Units
{
    /// <summary>Duration suffixes and their length in ticks. Case-insensitive; "m" is minutes (milliseconds are "ms").</summary>
    private static readonly (string Suffix, long Unit)[] DurationUnits =
    [
        ("ms", TimeSpan.TicksPerMillisecond), ("s", TimeSpan.TicksPerSecond), ("m", TimeSpan.TicksPerMinute),
        ("h", TimeSpan.TicksPerHour), ("d", TimeSpan.TicksPerDay),
    ];

    /// <summary>Size suffixes and their bytes: binary multiples, as nginx's "10m" and systemd's "64K" are, so
    /// K, KB and KiB are all 1024 (one meaning per letter, whichever spelling one is used to).</summary>
    private static readonly (string Suffix, long Unit)[] SizeUnits =
    [
        ("b", 1), ("k", 1L << 10), ("kb", 1L << 10), ("kib", 1L << 10), ("m", 1L << 20), ("mb", 1L << 20), ("mib", 1L << 20),
        ("g", 1L << 30), ("gb", 1L << 30), ("gib", 1L << 30),
    ];

    /// <summary>What a duration looks like, for error messages and help.</summary>
    public const string DurationExamples = "such as 30s, 500ms, 2m or 1h (a plain number is seconds)";

    /// <summary>What a size looks like, for error messages and help.</summary>
    public const string SizeExamples = "such as 4096, 64KiB or 10M (a plain number is bytes; K = 1024)";

    /// <summary>Parses a duration: a non-negative number, optionally followed by ms, s, m, h or d; a plain
    /// number is in <paramref name="plainUnit"/>.</summary>
    public static bool TryParseDuration(string? text, TimeSpan plainUnit, out TimeSpan value)
    {
        var ok = TryScale(text, DurationUnits, plainUnit.Ticks, plainMustBeWhole: false, out var ticks);
        value = TimeSpan.FromTicks(ticks);
        return ok;
    }

    /// <summary>Parses a size in bytes: a non-negative number, optionally followed by B, K, KB, KiB, M, MB,
    /// MiB, G, GB or GiB (all binary); a plain number is in <paramref name="plainUnit"/> bytes and must be whole.</summary>
    public static bool TryParseSize(string? text, long plainUnit, out long value)
        => TryScale(text, SizeUnits, plainUnit, plainMustBeWhole: true, out value);

    /// <summary>The shortest exact spelling of <paramref name="value"/>: "30s", "500ms", "2m", "1.5s".</summary>
    public static string FormatDuration(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }
        for (var i = DurationUnits.Length - 1; i >= 0; i--)
        {
            var (suffix, unit) = DurationUnits[i];
            if (value.Ticks % unit == 0)
            {
                return (value.Ticks / unit).ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }
        return value.TotalSeconds.ToString("0.######", CultureInfo.InvariantCulture) + "s";
    }

    /// <summary>The shortest exact spelling of <paramref name="bytes"/>: "8KiB", "1MiB", "1000".</summary>
    public static string FormatSize(long bytes)
    {
        string[] names = ["GiB", "MiB", "KiB"];
        for (var i = 0; i < names.Length; i++)
        {
            var unit = 1L << (10 * (names.Length - i));
            if (bytes != 0 && bytes % unit == 0)
            {
                return (bytes / unit).ToString(CultureInfo.InvariantCulture) + names[i];
            }
        }
        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    // A number and an optional suffix from `units`, scaled to a whole count of the smallest unit (rounded).
    private static bool TryScale(string? text, (string Suffix, long Unit)[] units, long plainUnit, bool plainMustBeWhole, out long value)
    {
        value = default;
        if (!TrySplit(text, out var number, out var suffix))
        {
            return false;
        }
        var unit = plainUnit;
        if (suffix.Length == 0 ? plainMustBeWhole && number != Math.Floor(number) : !TryFind(units, suffix, out unit))
        {
            return false;
        }
        var scaled = Math.Round(number * unit);
        if (scaled >= long.MaxValue)
        {
            return false;
        }
        value = (long)scaled;
        return true;
    }

    // "1.5ms" -> (1.5, "ms"). Digits and one dot, then letters; no sign, exponent or spaces inside.
    private static bool TrySplit(string? text, out double number, out string suffix)
    {
        number = 0;
        suffix = "";
        var t = text.AsSpan().Trim();
        var end = 0;
        while (end < t.Length && (char.IsAsciiDigit(t[end]) || t[end] == '.'))
        {
            end++;
        }
        if (end == 0 || !IsLetters(t[end..]))
        {
            return false;
        }
        if (!double.TryParse(t[..end], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out number))
        {
            return false;
        }
        suffix = t[end..].ToString().ToLowerInvariant();
        return true;
    }

    private static bool IsLetters(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }
        return true;
    }

    private static bool TryFind((string Suffix, long Unit)[] table, string suffix, out long unit)
    {
        foreach (var (name, value) in table)
        {
            if (name == suffix)
            {
                unit = value;
                return true;
            }
        }
        unit = default;
        return false;
    }
}
