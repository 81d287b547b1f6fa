// DurationText: parses the durations the tools accept on the command line ("10s", "500ms", "2m", "1h", or
// a bare number of seconds), like wrk's -d. The CLI calls it once per option; nothing else sees the string.
using System.Globalization;

namespace Skein.Bench;

/// <summary>Parses command-line durations.</summary>
public static class DurationText
{
    /// <summary>Parses "10s", "500ms", "2m", "1h" or "1.5" (seconds).</summary>
    /// <exception cref="FormatException">The text is not a duration.</exception>
    public static TimeSpan Parse(string text)
    {
        var t = text.Trim();
        (string number, double scale) = t switch
        {
            _ when t.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (t[..^2], 0.001),
            _ when t.EndsWith('s') || t.EndsWith('S') => (t[..^1], 1.0),
            _ when t.EndsWith('m') || t.EndsWith('M') => (t[..^1], 60.0),
            _ when t.EndsWith('h') || t.EndsWith('H') => (t[..^1], 3600.0),
            _ => (t, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value < 0 || double.IsInfinity(value))
        {
            throw new FormatException($"'{text}' is not a duration (try 10s, 500ms, 2m)");
        }
        return TimeSpan.FromSeconds(value * scale);
    }
}
