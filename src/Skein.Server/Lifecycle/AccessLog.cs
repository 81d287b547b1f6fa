// The access log: one line per response in the Combined Log Format (Apache's and nginx's "combined").
// It formats and writes lines; it does not decide whether logging is on (ServerContext does).
// Cheap enough to leave on: a line is formatted as UTF-8 straight into a buffer (no strings), the timestamp
// is formatted once per second, and the buffer is written when it is full or a second has passed (nginx's
// `access_log ... buffer=64k flush=1s`), so a busy server pays one write(2) per few hundred responses.
using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Text;
using Skein.Http;
using Skein.Http.Application;

namespace Skein.Server.Lifecycle;

/// <summary>
/// Writes <c>host ident authuser [date] "request line" status bytes "referer" "user-agent"</c> lines,
/// e.g. <c>127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 2326 "-" "curl/8.5"</c>.
/// Thread-safe: lines are appended to one buffer under a lock and written whole, so lines of different
/// threads never mix, and several processes may append to the same file. A line reaches the destination
/// within <see cref="FlushInterval"/>, or at once when the buffer fills, and on <see cref="Dispose"/>.
/// </summary>
public sealed class AccessLog : IDisposable
{
    /// <summary>How long a line may wait in the buffer: 1 s, nginx's <c>flush=</c> in its documentation's example.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    /// <summary>Buffered bytes that cause a write: 64 KiB, nginx's default <c>buffer=</c> size.</summary>
    public const int BufferBytes = 64 * 1024;

    // Everything but the escaped fields: address, date, method, version, status, size, quotes and spaces.
    private const int FixedLineBytes = 160;
    private const int DateBytes = 28; // "[10/Oct/2000:13:55:36 -0700]"

    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    private readonly bool _ownsDestination;
    private readonly string? _path; // a file's name, to open it again (Reopen); null for standard output
    private Stream _destination;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    // Both made with the first line: a worker process that serves nobody (a spare, a standby) pays for
    // neither the 64 KiB nor the runtime's timer thread (docs/processes.md).
    private ITimer? _flushTimer;
    private byte[]? _buffer;
    private readonly byte[] _date = new byte[DateBytes];
    private long _dateSecond = long.MinValue;
    private int _buffered;
    private bool _disposed;

    /// <summary>Writes to <paramref name="destination"/> (disposed with this log when <paramref name="ownsDestination"/>).</summary>
    public AccessLog(Stream destination, bool ownsDestination, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        _destination = destination;
        _ownsDestination = ownsDestination;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Opens the destination named by <see cref="ServerOptions.AccessLog"/>: "-" for standard output,
    /// "/dev/stderr" for standard error (the process's own, even where /dev/stderr cannot be opened), otherwise
    /// a file opened for appending (created if missing).</summary>
    public static AccessLog Open(string destination, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (destination == ServerOptions.AccessLogToStdout)
        {
            return new AccessLog(Console.OpenStandardOutput(), ownsDestination: true, time);
        }
        if (destination == ServerOptions.AccessLogToStderr)
        {
            return new AccessLog(Console.OpenStandardError(), ownsDestination: true, time);
        }
        return new AccessLog(OpenFile(destination), destination, time);
    }

    /// <summary>Writes what is buffered, then opens the file again by its name, as nginx does on SIGUSR1: once
    /// logrotate has renamed the file, later lines go to a new file of the old name. Standard output stays.</summary>
    /// <exception cref="IOException">The file cannot be opened (lines keep going to the old one).</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be opened (lines keep going to the old one).</exception>
    public void Reopen()
    {
        if (_path is null)
        {
            return;
        }
        var fresh = OpenFile(_path);
        Stream old;
        lock (_gate)
        {
            if (_disposed)
            {
                fresh.Dispose();
                return;
            }
            FlushLocked();
            old = _destination;
            _destination = fresh;
        }
        old.Dispose();
    }

    private AccessLog(FileStream file, string path, TimeProvider? time)
        : this(file, ownsDestination: true, time) => _path = path;

    // Unbuffered: this class buffers, and writes whole lines only. Worker processes share the file, each
    // through its own descriptor: .NET's FileMode.Append only seeks to the end once, at open, and then
    // writes at its own offset (pwrite), so each worker wrote over the others' lines. O_APPEND makes every
    // write land at the end of the file as it is then (Linux's pwrite ignores the offset under O_APPEND).
    private static FileStream OpenFile(string path)
    {
        var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        try
        {
            Interop.Fcntl.SetAppend((int)file.SafeFileHandle.DangerousGetHandle());
        }
        catch
        {
            file.Dispose();
            throw;
        }
        return file;
    }

    /// <summary>Logs one response to the request described by <paramref name="head"/>.</summary>
    public void Write(IPEndPoint? client, RequestHead head, int status, long bodyBytes)
    {
        ArgumentNullException.ThrowIfNull(head);
        var worstCase = MaxLineBytes(head);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            if (BufferBytes - _buffered < worstCase)
            {
                FlushLocked();
            }
            if (worstCase <= BufferBytes)
            {
                if (_buffer is null)
                {
                    _buffer = new byte[BufferBytes];
                    _flushTimer = _time.CreateTimer(static state => ((AccessLog)state!).Flush(), this, FlushInterval, FlushInterval);
                }
                _buffered += FormatLocked(_buffer.AsSpan(_buffered), client, head, status, bodyBytes);
                if (_buffered > BufferBytes - FixedLineBytes)
                {
                    FlushLocked();
                }
                return;
            }
            // A line longer than the buffer (a huge target, escaped): written on its own.
            var large = ArrayPool<byte>.Shared.Rent(worstCase);
            try
            {
                WriteLocked(large.AsSpan(0, FormatLocked(large, client, head, status, bodyBytes)));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(large);
            }
        }
    }

    /// <summary>Writes what is buffered now.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                FlushLocked();
            }
        }
    }

    /// <summary>One Combined Log Format line (without the newline), for <paramref name="now"/>.</summary>
    public static string Format(IPEndPoint? client, RequestHead head, int status, long bodyBytes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(head);
        var line = new byte[MaxLineBytes(head)];
        var date = new byte[DateBytes];
        FormatDate(date, now);
        var length = FormatLine(line, client, date, head, status, bodyBytes);
        return Encoding.UTF8.GetString(line, 0, length - 1);
    }

    /// <summary>Writes what is buffered and closes the destination (standard output is left open).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _flushTimer?.Dispose();
            FlushLocked();
            _disposed = true;
        }
        if (_ownsDestination)
        {
            _destination.Dispose();
        }
    }

    // The longest line head could give: each escaped byte takes at most 4 ("\xHH").
    private static int MaxLineBytes(RequestHead head)
    {
        var escaped = head.Target.Length;
        if (head.TryGetHeader("Referer"u8, out var referer))
        {
            escaped += referer.Length;
        }
        if (head.TryGetHeader("User-Agent"u8, out var agent))
        {
            escaped += agent.Length;
        }
        return FixedLineBytes + 4 * escaped;
    }

    private int FormatLocked(Span<byte> destination, IPEndPoint? client, RequestHead head, int status, long bodyBytes)
    {
        var now = _time.GetUtcNow();
        var second = now.UtcTicks / TimeSpan.TicksPerSecond;
        if (second != _dateSecond)
        {
            // The local time zone's offset is looked up once per second, not per line.
            FormatDate(_date, TimeZoneInfo.ConvertTime(now, _time.LocalTimeZone));
            _dateSecond = second;
        }
        return FormatLine(destination, client, _date, head, status, bodyBytes);
    }

    private static void FormatDate(Span<byte> destination, DateTimeOffset now)
    {
        // [10/Oct/2000:13:55:36 -0700], fixed width.
        var offset = now.Offset;
        var minutes = (int)Math.Abs(offset.TotalMinutes);
        var written = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"[{now.Day:00}/{Months[now.Month - 1]}/{now.Year:0000}:{now.Hour:00}:{now.Minute:00}:{now.Second:00} {(offset < TimeSpan.Zero ? '-' : '+')}{minutes / 60:00}{minutes % 60:00}]"), destination);
        if (written != DateBytes)
        {
            throw new InvalidOperationException("The access log date has a fixed width.");
        }
    }

    // Formats one line with its newline; returns its length. destination holds MaxLineBytes(head) at least.
    private static int FormatLine(Span<byte> destination, IPEndPoint? client, ReadOnlySpan<byte> date, RequestHead head, int status, long bodyBytes)
    {
        var at = 0;
        if (client is null || !client.Address.TryFormat(destination, out at))
        {
            destination[0] = (byte)'-';
            at = 1;
        }
        Append(destination, ref at, " - - "u8);
        Append(destination, ref at, date);
        Append(destination, ref at, " \""u8);
        at += Encoding.ASCII.GetBytes(MethodNames.Of(head.Method), destination[at..]);
        destination[at++] = (byte)' ';
        AppendEscaped(destination, ref at, head.Target);
        Append(destination, ref at, head.Version == ProtocolVersion.Http10 ? " HTTP/1.0\" "u8 : " HTTP/1.1\" "u8);
        Utf8Formatter.TryFormat(status, destination[at..], out var written);
        at += written;
        destination[at++] = (byte)' ';
        if (bodyBytes > 0)
        {
            Utf8Formatter.TryFormat(bodyBytes, destination[at..], out written);
            at += written;
        }
        else
        {
            destination[at++] = (byte)'-';
        }
        Append(destination, ref at, " \""u8);
        AppendField(destination, ref at, head, "Referer"u8);
        Append(destination, ref at, "\" \""u8);
        AppendField(destination, ref at, head, "User-Agent"u8);
        Append(destination, ref at, "\"\n"u8);
        return at;
    }

    private static void Append(Span<byte> destination, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[at..]);
        at += bytes.Length;
    }

    private static void AppendField(Span<byte> destination, ref int at, RequestHead head, ReadOnlySpan<byte> name)
    {
        if (head.TryGetHeader(name, out var value) && !value.IsEmpty)
        {
            AppendEscaped(destination, ref at, value);
        }
        else
        {
            destination[at++] = (byte)'-';
        }
    }

    // Quotes and backslashes are escaped, and bytes outside printable ASCII written as \xHH, as nginx does,
    // so a client cannot forge log lines.
    private static void AppendEscaped(Span<byte> destination, ref int at, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is (byte)'"' or (byte)'\\' || b < 0x20 || b >= 0x7f)
            {
                destination[at] = (byte)'\\';
                destination[at + 1] = (byte)'x';
                destination[at + 2] = "0123456789ABCDEF"u8[b >> 4];
                destination[at + 3] = "0123456789ABCDEF"u8[b & 0xF];
                at += 4;
            }
            else
            {
                destination[at++] = b;
            }
        }
    }

    private void FlushLocked()
    {
        if (_buffered > 0)
        {
            WriteLocked(_buffer.AsSpan(0, _buffered));
            _buffered = 0;
        }
    }

    private void WriteLocked(ReadOnlySpan<byte> lines)
    {
        try
        {
            _destination.Write(lines);
            _destination.Flush();
        }
        catch (IOException)
        {
            // A full disk or a closed terminal must not take requests down with it; the lines are lost.
        }
    }
}
