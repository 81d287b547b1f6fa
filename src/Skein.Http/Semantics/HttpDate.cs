// HTTP-date (RFC 9110 §5.6.7): formatting IMF-fixdate and parsing all three forms a recipient must accept.
// Pure functions over spans; this file knows no clock (callers pass the instant) and no header names.
namespace Skein.Http.Semantics;

/// <summary>
/// Formats and parses HTTP-dates. Senders generate only IMF-fixdate (<c>Sun, 06 Nov 1994 08:49:37 GMT</c>);
/// recipients must also accept the obsolete RFC 850 (<c>Sunday, 06-Nov-94 08:49:37 GMT</c>) and asctime
/// (<c>Sun Nov  6 08:49:37 1994</c>) forms (RFC 9110 §5.6.7). HTTP-dates have one-second resolution.
/// </summary>
public static class HttpDate
{
    /// <summary>Length of an IMF-fixdate: 29 bytes.</summary>
    public const int Length = 29;

    private static readonly string[] DayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private static readonly string[] LongDayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    private static readonly string[] MonthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>Writes <paramref name="value"/> as an IMF-fixdate into <paramref name="destination"/> (at least
    /// <see cref="Length"/> bytes), truncating to whole seconds. Returns the number of bytes written.</summary>
    public static int Format(DateTimeOffset value, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Length, nameof(destination));
        var utc = value.UtcDateTime;
        var day = DayNames[(int)utc.DayOfWeek];
        var month = MonthNames[utc.Month - 1];
        destination[0] = (byte)day[0];
        destination[1] = (byte)day[1];
        destination[2] = (byte)day[2];
        destination[3] = (byte)',';
        destination[4] = (byte)' ';
        TwoDigits(destination[5..], utc.Day);
        destination[7] = (byte)' ';
        destination[8] = (byte)month[0];
        destination[9] = (byte)month[1];
        destination[10] = (byte)month[2];
        destination[11] = (byte)' ';
        TwoDigits(destination[12..], utc.Year / 100);
        TwoDigits(destination[14..], utc.Year % 100);
        destination[16] = (byte)' ';
        TwoDigits(destination[17..], utc.Hour);
        destination[19] = (byte)':';
        TwoDigits(destination[20..], utc.Minute);
        destination[22] = (byte)':';
        TwoDigits(destination[23..], utc.Second);
        destination[25] = (byte)' ';
        destination[26] = (byte)'G';
        destination[27] = (byte)'M';
        destination[28] = (byte)'T';
        return Length;
    }

    /// <summary>The IMF-fixdate of <paramref name="value"/> as a string (for precomputed header values).</summary>
    public static string Format(DateTimeOffset value)
    {
        Span<byte> bytes = stackalloc byte[Length];
        Format(value, bytes);
        return System.Text.Encoding.ASCII.GetString(bytes);
    }

    /// <summary>Parses an HTTP-date in any of the three forms of RFC 9110 §5.6.7. Leading and trailing
    /// whitespace is allowed; anything else that is not exactly one date fails (the caller must then ignore
    /// the field, as §13.1.3 and §13.1.4 require).</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out DateTimeOffset value)
    {
        value = default;
        text = text.Trim(" \t"u8);
        var comma = text.IndexOf((byte)',');
        if (comma == 3)
        {
            // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
            if (text.Length != Length || !IsDayName(text[..3], DayNames) || text[4] != ' ' || text[7] != ' '
                || text[11] != ' ' || text[16] != ' ' || !text[25..].SequenceEqual(" GMT"u8))
            {
                return false;
            }
            return TryDigits(text.Slice(5, 2), out var day) && TryMonth(text.Slice(8, 3), out var month)
                && TryDigits(text.Slice(12, 4), out var year) && TryTime(text.Slice(17, 8), out var time)
                && TryBuild(year, month, day, time, out value);
        }
        if (comma > 3)
        {
            // rfc850-date: "Sunday, 06-Nov-94 08:49:37 GMT"; two-digit years are read as the year in the
            // past 50 years or so per §5.6.7; we use the usual 1970–2069 window.
            var rest = text[(comma + 1)..];
            if (!IsDayName(text[..comma], LongDayNames) || rest.Length != 23 || rest[0] != ' ' || rest[3] != '-'
                || rest[7] != '-' || rest[10] != ' ' || !rest[19..].SequenceEqual(" GMT"u8))
            {
                return false;
            }
            if (!TryDigits(rest.Slice(1, 2), out var day) || !TryMonth(rest.Slice(4, 3), out var month)
                || !TryDigits(rest.Slice(8, 2), out var year2) || !TryTime(rest.Slice(11, 8), out var time))
            {
                return false;
            }
            return TryBuild(year2 < 70 ? 2000 + year2 : 1900 + year2, month, day, time, out value);
        }
        if (comma < 0 && text.Length == 24)
        {
            // asctime-date: "Sun Nov  6 08:49:37 1994" (day padded with a space)
            if (!IsDayName(text[..3], DayNames) || text[3] != ' ' || text[7] != ' ' || text[10] != ' ' || text[19] != ' ')
            {
                return false;
            }
            var dayText = text.Slice(8, 2);
            if (dayText[0] == ' ')
            {
                dayText = dayText[1..];
            }
            return TryMonth(text.Slice(4, 3), out var month) && TryDigits(dayText, out var day)
                && TryTime(text.Slice(11, 8), out var time) && TryDigits(text.Slice(20, 4), out var year)
                && TryBuild(year, month, day, time, out value);
        }
        return false;
    }

    private static void TwoDigits(Span<byte> destination, int value)
    {
        destination[0] = (byte)('0' + value / 10);
        destination[1] = (byte)('0' + value % 10);
    }

    private static bool IsDayName(ReadOnlySpan<byte> text, string[] names)
    {
        foreach (var name in names)
        {
            if (System.Text.Ascii.Equals(text, name))
            {
                return true;
            }
        }
        return false;
    }

    private static bool TryMonth(ReadOnlySpan<byte> text, out int month)
    {
        for (month = 1; month <= 12; month++)
        {
            if (System.Text.Ascii.Equals(text, MonthNames[month - 1]))
            {
                return true;
            }
        }
        month = 0;
        return false;
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        if (text.IsEmpty)
        {
            return false;
        }
        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
            value = value * 10 + (b - '0');
        }
        return true;
    }

    // "08:49:37" -> seconds since midnight.
    private static bool TryTime(ReadOnlySpan<byte> text, out int seconds)
    {
        seconds = 0;
        if (text.Length != 8 || text[2] != ':' || text[5] != ':'
            || !TryDigits(text[..2], out var h) || !TryDigits(text.Slice(3, 2), out var m) || !TryDigits(text.Slice(6, 2), out var s)
            || h > 23 || m > 59 || s > 60)
        {
            return false;
        }
        // A leap second (60) is allowed by the grammar; fold it into the next minute's 0 would change the
        // date, so clamp it to 59: the one-second difference cannot matter for a validator.
        seconds = h * 3600 + m * 60 + Math.Min(s, 59);
        return true;
    }

    private static bool TryBuild(int year, int month, int day, int seconds, out DateTimeOffset value)
    {
        value = default;
        if (year is < 1 or > 9999 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }
        value = new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero).AddSeconds(seconds);
        return true;
    }
}
