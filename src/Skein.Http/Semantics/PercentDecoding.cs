// Percent-decoding of a request path (RFC 3986 §2.1, §2.4), done exactly once, with the cases a file server
// must refuse reported rather than silently decoded. It does not map paths to files or judge segments.
namespace Skein.Http.Semantics;

/// <summary>The outcome of <see cref="PercentDecoding.TryDecodePath"/>.</summary>
public enum PathDecodeStatus : byte
{
    /// <summary>Decoded.</summary>
    Ok,
    /// <summary>A '%' not followed by two hex digits.</summary>
    MalformedEscape,
    /// <summary>A NUL byte, raw or as <c>%00</c>: never part of a file name.</summary>
    Nul,
    /// <summary><c>%2F</c> or <c>%5C</c>: a slash (or backslash) inside a segment would change where the
    /// segment boundaries are after decoding, the classic way to smuggle <c>..%2F</c> past a check.</summary>
    EncodedSeparator,
    /// <summary>The destination is too small.</summary>
    TooLong,
}

/// <summary>Percent-decoding for paths.</summary>
public static class PercentDecoding
{
    /// <summary>Decodes <paramref name="path"/> into <paramref name="destination"/> (which may be as long as
    /// the input; decoding never grows it). Decoding happens once: <c>%252e</c> becomes <c>%2e</c>, not '.'.
    /// '+' is left alone (it means space only in form data, not in paths).</summary>
    public static PathDecodeStatus TryDecodePath(ReadOnlySpan<byte> path, Span<byte> destination, out int written)
    {
        written = 0;
        var i = 0;
        while (i < path.Length)
        {
            var b = path[i];
            if (b == '%')
            {
                if (i + 2 >= path.Length)
                {
                    return PathDecodeStatus.MalformedEscape;
                }
                var high = HexValue(path[i + 1]);
                var low = HexValue(path[i + 2]);
                if (high < 0 || low < 0)
                {
                    return PathDecodeStatus.MalformedEscape;
                }
                b = (byte)(high << 4 | low);
                if (b == '/' || b == '\\')
                {
                    return PathDecodeStatus.EncodedSeparator;
                }
                i += 3;
            }
            else
            {
                i++;
            }
            if (b == 0)
            {
                return PathDecodeStatus.Nul;
            }
            if (written == destination.Length)
            {
                return PathDecodeStatus.TooLong;
            }
            destination[written++] = b;
        }
        return PathDecodeStatus.Ok;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
