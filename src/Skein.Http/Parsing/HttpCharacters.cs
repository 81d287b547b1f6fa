// The character classes of RFC 9110 §5.6 and RFC 3986 as SearchValues, so every scan in the parser is a
// vectorised IndexOfAny instead of a byte loop. This file only names sets of bytes; it decides nothing.
using System.Buffers;

namespace Skein.Http.Parsing;

internal static class HttpCharacters
{
    /// <summary>tchar (RFC 9110 §5.6.2): the characters of a method or field name.</summary>
    public static readonly SearchValues<byte> Token =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>Every control character (0x00–0x1F and DEL), HTAB included: none may appear in a request line.</summary>
    public static readonly SearchValues<byte> Controls = SearchValues.Create(ControlBytes(includeTab: true));

    /// <summary>Controls other than HTAB: what a field value may not contain (RFC 9110 §5.5: field-vchar,
    /// SP, HTAB and obs-text only). This catches NUL, bare CR and bare LF (RFC 9112 §2.2).</summary>
    public static readonly SearchValues<byte> InvalidInFieldValue = SearchValues.Create(ControlBytes(includeTab: false));

    /// <summary>The characters of a host and port in an authority (RFC 3986 §3.2.2: reg-name, IP literal
    /// in brackets, pct-encoded, and ':' before the port).</summary>
    public static readonly SearchValues<byte> Authority =
        SearchValues.Create("-._~!$&'()*+,;=:[]%0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>OWS (RFC 9110 §5.6.3): SP and HTAB.</summary>
    public static ReadOnlySpan<byte> Whitespace => " \t"u8;

    /// <summary>The line terminator (RFC 9112 §2.2).</summary>
    public static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    public const byte Cr = (byte)'\r';
    public const byte Lf = (byte)'\n';
    public const byte Space = (byte)' ';
    public const byte Tab = (byte)'\t';
    public const byte Colon = (byte)':';

    /// <summary>True for SP or HTAB.</summary>
    public static bool IsWhitespace(byte b) => b is Space or Tab;

    /// <summary>The value of a hex digit, or -1.</summary>
    public static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static byte[] ControlBytes(bool includeTab)
    {
        var bytes = new List<byte>(33);
        for (var b = 0; b < 0x20; b++)
        {
            if (includeTab || b != Tab)
            {
                bytes.Add((byte)b);
            }
        }
        bytes.Add(0x7F);
        return [.. bytes];
    }
}
