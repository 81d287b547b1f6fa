// Entity-tags (RFC 9110 §8.8.3) and the lists If-Match / If-None-Match / If-Range carry, with strong and weak
// comparison (§8.8.3.2). Pure span functions; which comparison a precondition uses is the caller's business.
namespace Skein.Http.Semantics;

/// <summary>How two entity-tags are compared (RFC 9110 §8.8.3.2).</summary>
public enum EntityTagComparison : byte
{
    /// <summary>Equal opaque-tags and neither is weak: If-Match, If-Range.</summary>
    Strong,
    /// <summary>Equal opaque-tags, weakness ignored: If-None-Match.</summary>
    Weak,
}

/// <summary>Parses and compares entity-tags (<c>"xyz"</c>, <c>W/"xyz"</c>).</summary>
public static class EntityTag
{
    /// <summary>True when <paramref name="fieldValue"/> (a comma-separated list of entity-tags, or <c>*</c>)
    /// has a member matching <paramref name="current"/> under <paramref name="comparison"/>. <c>*</c>
    /// matches any current representation. A malformed list matches nothing.</summary>
    public static bool ListMatches(ReadOnlySpan<byte> fieldValue, ReadOnlySpan<byte> current, EntityTagComparison comparison)
    {
        if (!TrySplit(current, out var currentWeak, out var currentOpaque, out var rest) || !rest.IsEmpty)
        {
            return false;
        }
        var remaining = fieldValue;
        while (true)
        {
            remaining = SkipSeparators(remaining);
            if (remaining.IsEmpty)
            {
                return false;
            }
            if (remaining[0] == '*')
            {
                // "*" is only valid as the whole field value (§13.1.1), but it is unambiguous either way.
                return true;
            }
            if (!TrySplit(remaining, out var weak, out var opaque, out remaining))
            {
                return false;
            }
            if (opaque.SequenceEqual(currentOpaque)
                && (comparison == EntityTagComparison.Weak || (!weak && !currentWeak)))
            {
                return true;
            }
        }
    }

    /// <summary>True when <paramref name="value"/> is exactly one well-formed entity-tag.</summary>
    public static bool IsValid(ReadOnlySpan<byte> value)
        => TrySplit(value.Trim(" \t"u8), out _, out _, out var rest) && rest.IsEmpty;

    /// <summary>True when <paramref name="value"/> is one well-formed weak entity-tag (<c>W/"…"</c>).</summary>
    public static bool IsWeak(ReadOnlySpan<byte> value)
        => TrySplit(value.Trim(" \t"u8), out var weak, out _, out var rest) && rest.IsEmpty && weak;

    // entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, etagc = %x21 / %x23-7E / obs-text. A comma is a valid
    // etagc, so a list cannot be split on commas before the quotes are matched.
    private static bool TrySplit(ReadOnlySpan<byte> text, out bool weak, out ReadOnlySpan<byte> opaque, out ReadOnlySpan<byte> rest)
    {
        weak = false;
        opaque = default;
        rest = default;
        if (text.Length >= 2 && text[0] == 'W' && text[1] == '/')
        {
            weak = true;
            text = text[2..];
        }
        if (text.IsEmpty || text[0] != '"')
        {
            return false;
        }
        var close = text[1..].IndexOf((byte)'"');
        if (close < 0)
        {
            return false;
        }
        opaque = text.Slice(1, close);
        foreach (var b in opaque)
        {
            if (b < 0x21 || b == 0x7F)
            {
                return false;
            }
        }
        rest = text[(close + 2)..];
        // The next element must be separated by OWS and a comma.
        var after = rest.TrimStart(" \t"u8);
        if (!after.IsEmpty && after[0] != ',')
        {
            return false;
        }
        return true;
    }

    private static ReadOnlySpan<byte> SkipSeparators(ReadOnlySpan<byte> text)
    {
        var i = 0;
        while (i < text.Length && (text[i] == ' ' || text[i] == '\t' || text[i] == ','))
        {
            i++;
        }
        return text[i..];
    }
}
