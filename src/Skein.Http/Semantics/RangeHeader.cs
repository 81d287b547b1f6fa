// Parsing of the Range request field (RFC 9110 §14.1.2, §14.2) for the "bytes" unit, resolved against the
// length of the selected representation. It does not decide whether Range applies (method, If-Range): the
// caller evaluates that first (§13.2.2 step 5).
namespace Skein.Http.Semantics;

/// <summary>What a Range field asks for, once resolved against a representation's length.</summary>
public enum RangeKind : byte
{
    /// <summary>Ignore the field and send the whole representation (200): a unit other than "bytes",
    /// invalid syntax (including last-pos &lt; first-pos, §14.1.1), or more than one range (we serve
    /// multiple ranges as the full representation rather than multipart/byteranges, which §14.2 allows).</summary>
    Ignore,
    /// <summary>One satisfiable range: send 206 with Content-Range.</summary>
    Satisfiable,
    /// <summary>Syntactically valid, but no byte of it exists: send 416 with <c>Content-Range: bytes */length</c>.</summary>
    Unsatisfiable,
}

/// <summary>Parses <c>Range: bytes=…</c>.</summary>
public static class RangeHeader
{
    /// <summary>Parses <paramref name="value"/> (the Range field value) for a representation of
    /// <paramref name="length"/> bytes. Forms: <c>bytes=0-499</c>, <c>bytes=500-</c> (open),
    /// <c>bytes=-500</c> (suffix: the last 500 bytes). A last-pos beyond the end is clamped (§14.1.2).</summary>
    public static RangeKind Parse(ReadOnlySpan<byte> value, long length, out ByteRange range)
    {
        range = default;
        value = value.Trim(" \t"u8);
        // ranges-specifier = range-unit "=" range-set; the unit is case-insensitive (§14.1).
        if (value.Length < 6 || !System.Text.Ascii.EqualsIgnoreCase(value[..6], "bytes="u8))
        {
            return RangeKind.Ignore;
        }
        var set = value[6..];
        // Empty list elements are allowed by the list rule (§5.6.1); count the non-empty ones.
        ReadOnlySpan<byte> spec = default;
        var count = 0;
        foreach (var element in set.Split((byte)','))
        {
            var trimmed = set[element].Trim(" \t"u8);
            if (trimmed.IsEmpty)
            {
                continue;
            }
            spec = trimmed;
            count++;
        }
        if (count != 1)
        {
            return RangeKind.Ignore;
        }
        var dash = spec.IndexOf((byte)'-');
        if (dash < 0)
        {
            return RangeKind.Ignore;
        }
        var firstText = spec[..dash];
        var lastText = spec[(dash + 1)..];
        if (firstText.IsEmpty)
        {
            // suffix-range: "-N", the last N bytes; N = 0 is unsatisfiable (§14.1.2).
            if (!TryParseDigits(lastText, out var suffix))
            {
                return RangeKind.Ignore;
            }
            if (suffix == 0 || length == 0)
            {
                return RangeKind.Unsatisfiable;
            }
            var take = Math.Min(suffix, length);
            range = new ByteRange(length - take, take, length);
            return RangeKind.Satisfiable;
        }
        if (!TryParseDigits(firstText, out var first))
        {
            return RangeKind.Ignore;
        }
        long last;
        if (lastText.IsEmpty)
        {
            last = long.MaxValue;
        }
        else if (!TryParseDigits(lastText, out last) || last < first)
        {
            return RangeKind.Ignore;
        }
        // Satisfiable when first-pos is less than the current length (§14.1.2).
        if (first >= length)
        {
            return RangeKind.Unsatisfiable;
        }
        var end = Math.Min(last, length - 1);
        range = new ByteRange(first, end - first + 1, length);
        return RangeKind.Satisfiable;
    }

    // 1*DIGIT. A position too large for a long is valid syntax that lies past any file we could have, so
    // it saturates at long.MaxValue instead of failing.
    private static bool TryParseDigits(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            return false;
        }
        foreach (var b in text)
        {
            value = value > (long.MaxValue - 9) / 10 ? long.MaxValue : value * 10 + (b - '0');
        }
        return true;
    }
}
