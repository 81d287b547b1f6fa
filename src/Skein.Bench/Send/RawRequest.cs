// RawRequest: turns the request text a person types on a command line into the bytes `skein send` writes:
// backslash escapes decoded, the head terminated with a blank line when it is not. It does not check that
// the result is valid HTTP: sending invalid requests on purpose is half the point of the tool.
using System.Globalization;
using System.Text;

namespace Skein.Bench.Send;

/// <summary>Builds raw request bytes from command-line text.</summary>
public static class RawRequest
{
    /// <summary>
    /// Decodes <c>\r</c>, <c>\n</c>, <c>\t</c>, <c>\0</c>, <c>\\</c> and <c>\xHH</c>; other characters are sent
    /// as Latin-1 bytes. If the text holds no blank line (CRLF CRLF) yet, the head is ended with one
    /// (RFC 9112 §2.1: the header section ends with an empty line), so <c>"GET / HTTP/1.1"</c> is enough.
    /// A request that already has a blank line (say, with a body after it) is left as it is.
    /// </summary>
    /// <exception cref="FormatException">A malformed <c>\x</c> escape.</exception>
    public static byte[] Build(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = new List<byte>(text.Length + 4);
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            if (ch != '\\' || i + 1 == text.Length)
            {
                bytes.Add(ch <= 0xFF ? (byte)ch : (byte)'?');
                continue;
            }
            char next = text[++i];
            switch (next)
            {
                case 'r': bytes.Add((byte)'\r'); break;
                case 'n': bytes.Add((byte)'\n'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case '0': bytes.Add(0); break;
                case '\\': bytes.Add((byte)'\\'); break;
                case 'x' when i + 2 < text.Length && byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out byte b):
                    bytes.Add(b);
                    i += 2;
                    break;
                case 'x':
                    throw new FormatException($"'\\x' at position {i - 1} needs two hex digits");
                default:
                    // Unknown escape: keep it literally, backslash included.
                    bytes.Add((byte)'\\');
                    bytes.Add(next <= 0xFF ? (byte)next : (byte)'?');
                    break;
            }
        }
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
        if (span.IndexOf("\r\n\r\n"u8) < 0)
        {
            var ending = span.EndsWith("\r\n"u8) ? "\r\n"u8 : "\r\n\r\n"u8;
            bytes.AddRange(ending.ToArray());
        }
        return [.. bytes];
    }

    /// <summary>The bytes as they would be typed back: printable ASCII as is, CR/LF/others escaped.</summary>
    public static string Show(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (byte b in bytes)
        {
            text.Append(b switch
            {
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n",
                (byte)'\t' => "\\t",
                (byte)'\\' => "\\\\",
                >= 0x20 and < 0x7F => ((char)b).ToString(),
                _ => $"\\x{b:X2}",
            });
        }
        return text.ToString();
    }
}
