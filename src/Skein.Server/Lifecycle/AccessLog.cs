// The access log: one line per response in the Combined Log Format (Apache's and nginx's "combined").
// It formats and writes lines; it does not decide whether logging is on (ServerContext does).
using System.Globalization;
using System.Net;
using System.Text;
using Skein.Http;

namespace Skein.Server.Lifecycle;

/// <summary>
/// Writes <c>host ident authuser [date] "request line" status bytes "referer" "user-agent"</c> lines,
/// e.g. <c>127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 2326 "-" "curl/8.5"</c>.
/// Thread-safe; each line is written and flushed under a lock, so lines of different threads never mix.
/// </summary>
public sealed class AccessLog : IDisposable
{
    private readonly TextWriter _writer;
    private readonly bool _ownsWriter;
    private readonly TimeProvider _time;
    private readonly object _gate = new();

    /// <summary>Writes to <paramref name="writer"/>.</summary>
    public AccessLog(TextWriter writer, bool ownsWriter, TimeProvider? time = null)
    {
        _writer = writer;
        _ownsWriter = ownsWriter;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Opens the destination named by <see cref="ServerOptions.AccessLog"/>: "-" for standard output,
    /// otherwise a file opened for appending (created if missing).</summary>
    public static AccessLog Open(string destination, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (destination == ServerOptions.AccessLogToStdout)
        {
            return new AccessLog(Console.Out, ownsWriter: false, time);
        }
        var stream = new FileStream(destination, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        return new AccessLog(new StreamWriter(stream, new UTF8Encoding(false)), ownsWriter: true, time);
    }

    /// <summary>Logs one response to the request described by <paramref name="head"/>.</summary>
    public void Write(IPEndPoint? client, RequestHead head, int status, long bodyBytes)
    {
        ArgumentNullException.ThrowIfNull(head);
        var line = Format(client, head, status, bodyBytes, _time.GetLocalNow());
        lock (_gate)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }

    /// <summary>One Combined Log Format line (without the newline).</summary>
    public static string Format(IPEndPoint? client, RequestHead head, int status, long bodyBytes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(head);
        var builder = new StringBuilder(160);
        builder.Append(client?.Address.ToString() ?? "-").Append(" - - [");
        builder.Append(now.ToString("dd/MMM/yyyy:HH:mm:ss ", CultureInfo.InvariantCulture));
        var offset = now.Offset;
        builder.Append(offset < TimeSpan.Zero ? '-' : '+').Append(offset.ToString("hhmm", CultureInfo.InvariantCulture));
        builder.Append("] \"").Append(Skein.Http.Application.MethodNames.Of(head.Method)).Append(' ');
        AppendEscaped(builder, head.Target);
        builder.Append(head.Version == ProtocolVersion.Http10 ? " HTTP/1.0\" " : " HTTP/1.1\" ");
        builder.Append(status.ToString(CultureInfo.InvariantCulture)).Append(' ');
        builder.Append(bodyBytes > 0 ? bodyBytes.ToString(CultureInfo.InvariantCulture) : "-");
        builder.Append(" \"");
        AppendField(builder, head, "Referer"u8);
        builder.Append("\" \"");
        AppendField(builder, head, "User-Agent"u8);
        builder.Append('"');
        return builder.ToString();
    }

    /// <summary>Closes the file (not standard output).</summary>
    public void Dispose()
    {
        if (_ownsWriter)
        {
            _writer.Dispose();
        }
    }

    private static void AppendField(StringBuilder builder, RequestHead head, ReadOnlySpan<byte> name)
    {
        if (head.TryGetHeader(name, out var value) && !value.IsEmpty)
        {
            AppendEscaped(builder, value);
        }
        else
        {
            builder.Append('-');
        }
    }

    // Quotes and backslashes are escaped, and bytes outside printable ASCII written as \xHH, as nginx does,
    // so a client cannot forge log lines.
    private static void AppendEscaped(StringBuilder builder, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is (byte)'"' or (byte)'\\' || b < 0x20 || b >= 0x7f)
            {
                builder.Append("\\x").Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append((char)b);
            }
        }
    }
}
