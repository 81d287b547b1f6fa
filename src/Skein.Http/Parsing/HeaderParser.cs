// Parses one complete field line (RFC 9112 §5) already copied into the head's storage, records it in the
// head, and feeds the fields that decide framing and connection handling to a RequestFields summary.
// It does not find lines or enforce the section size; the connection does that before calling it.
namespace Skein.Http.Parsing;

internal static class HeaderParser
{
    /// <summary>Parses the field line stored at <paramref name="start"/> (<paramref name="length"/> bytes,
    /// CRLF excluded, never empty). Throws <see cref="HttpProtocolException"/>.</summary>
    public static void ParseLine(RequestHead head, int start, int length, HttpLimits limits, ref RequestFields fields)
    {
        var line = head.Stored(start, length);

        // RFC 9112 §5.2: obs-fold (a line starting with SP or HTAB) is refused with 400; so is whitespace
        // between the start line and the first field (§2.2), which looks the same.
        if (HttpCharacters.IsWhitespace(line[0]))
        {
            throw new HttpProtocolException(RejectReason.ObsoleteLineFolding);
        }

        var colon = line.IndexOfAnyExcept(HttpCharacters.Token);
        if (colon < 0)
        {
            throw new HttpProtocolException(RejectReason.MalformedHeader, "no colon");
        }
        if (line[colon] != HttpCharacters.Colon)
        {
            // RFC 9112 §5.1: "No whitespace is allowed between the field name and colon ... MUST reject with 400."
            throw HttpCharacters.IsWhitespace(line[colon])
                ? new HttpProtocolException(RejectReason.WhitespaceBeforeColon)
                : line[colon] < 0x20 || line[colon] == 0x7F
                    ? new HttpProtocolException(RejectReason.InvalidCharacter, "control character in a field name")
                    : new HttpProtocolException(RejectReason.MalformedHeader, "field name is not a token");
        }
        if (colon == 0)
        {
            throw new HttpProtocolException(RejectReason.MalformedHeader, "empty field name");
        }

        var rawValue = line[(colon + 1)..];
        if (rawValue.IndexOfAny(HttpCharacters.InvalidInFieldValue) >= 0)
        {
            // NUL, bare CR, bare LF and other controls (RFC 9110 §5.5 MUST reject or replace; we reject).
            throw new HttpProtocolException(RejectReason.InvalidCharacter, "control character in a field value");
        }

        // Field value without leading and trailing OWS (RFC 9112 §5.1).
        var leading = rawValue.IndexOfAnyExcept(HttpCharacters.Whitespace);
        var valueStart = start + colon + 1 + (leading < 0 ? rawValue.Length : leading);
        var value = leading < 0 ? [] : rawValue[leading..].TrimEnd(HttpCharacters.Whitespace);

        if (head.HeaderCount >= limits.MaxHeaderCount)
        {
            throw new HttpProtocolException(RejectReason.TooManyHeaders);
        }
        head.AddHeader(start, colon, valueStart, value.Length);
        fields.Observe(line[..colon], value, valueStart);
    }
}
