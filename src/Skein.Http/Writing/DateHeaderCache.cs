// The Date field line (RFC 9110 §6.6.1), formatted once per second from a TimeProvider and reused for
// every response in that second, so writing a head never formats a date. It is not shared between
// threads: each connection has its own (37 bytes), which avoids any locking.
using System.Buffers;
using System.Buffers.Text;

namespace Skein.Http.Writing;

internal sealed class DateHeaderCache(TimeProvider timeProvider)
{
    // "Date: " + IMF-fixdate (29 bytes, e.g. "Sun, 06 Nov 1994 08:49:37 GMT") + CRLF.
    private const int LineLength = 6 + 29 + 2;

    private readonly byte[] _line = CreateLine();
    private long _second = long.MinValue;

    /// <summary>"Date: &lt;IMF-fixdate&gt;\r\n" for the current second of the time provider.</summary>
    public ReadOnlySpan<byte> Line
    {
        get
        {
            var now = timeProvider.GetUtcNow();
            var second = now.ToUnixTimeSeconds();
            if (second != _second)
            {
                // 'R' is RFC 1123, which is the IMF-fixdate of RFC 9110 §5.6.7 when the offset is zero.
                Utf8Formatter.TryFormat(now.ToUniversalTime(), _line.AsSpan(6), out _, new StandardFormat('R'));
                _second = second;
            }
            return _line;
        }
    }

    private static byte[] CreateLine()
    {
        var line = new byte[LineLength];
        "Date: "u8.CopyTo(line);
        "\r\n"u8.CopyTo(line.AsSpan(LineLength - 2));
        return line;
    }
}
