// A deliberately dumb HTTP/1.1 client over a raw loopback socket, for tests that must control every byte
// (pipelining, trickling, malformed requests) and see every byte back (status line, Connection: close,
// the connection closing). It is not a general HTTP client: no redirects, no TLS, no pooling.
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Skein.Testing;

/// <summary>A raw TCP client that writes request bytes and parses response bytes. Every read is bounded by a timeout.</summary>
public sealed class RawClient : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawClient(Socket socket) => _socket = socket;

    /// <summary>The underlying socket.</summary>
    public Socket Socket => _socket;

    /// <summary>Connects to <paramref name="endPoint"/>, retrying refused connections until <see cref="Deadline.Default"/>.</summary>
    public static Task<RawClient> ConnectAsync(IPEndPoint endPoint, TimeSpan? timeout = null) => ConnectAsync(endPoint, null, timeout);

    /// <summary>Connects to <paramref name="endPoint"/> from <paramref name="from"/> (any port; on loopback any
    /// 127.x address works, to look like another host), retrying refused connections until the timeout.</summary>
    public static async Task<RawClient> ConnectAsync(IPEndPoint endPoint, IPAddress? from, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var end = DateTime.UtcNow + (timeout ?? Deadline.Default);
        while (true)
        {
            var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                if (from is not null)
                {
                    socket.Bind(new IPEndPoint(from, 0));
                }
                using var cts = new CancellationTokenSource(Max(end - DateTime.UtcNow, TimeSpan.FromMilliseconds(1)));
                await socket.ConnectAsync(endPoint, cts.Token);
                return new RawClient(socket);
            }
            catch (SocketException) when (DateTime.UtcNow < end)
            {
                socket.Dispose();
                await Task.Delay(20);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/>.</summary>
    public static Task<RawClient> ConnectAsync(int port, TimeSpan? timeout = null) => ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout);

    /// <summary>Connects, sends one request for <paramref name="path"/> with <c>Connection: close</c>, reads the response.</summary>
    public static async Task<RawResponse> GetAsync(int port, string path, TimeSpan? timeout = null)
    {
        using var client = await ConnectAsync(port, timeout);
        await client.SendAsync($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        return await client.ReadResponseAsync(timeout: timeout);
    }

    /// <summary>Sends <paramref name="raw"/> as Latin-1 bytes.</summary>
    public Task SendAsync(string raw) => SendAsync(Encoding.Latin1.GetBytes(raw));

    /// <summary>Sends <paramref name="bytes"/>.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await _socket.SendAsync(bytes, SocketFlags.None);
            bytes = bytes[sent..];
        }
    }

    /// <summary>Reads one response. <paramref name="head"/>: it answers a HEAD request (no body follows).
    /// Throws <see cref="TimeoutException"/> when it does not arrive in time and <see cref="EndOfStreamException"/>
    /// when the server closed before a complete response.</summary>
    public async Task<RawResponse> ReadResponseAsync(bool head = false, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Deadline.Default);
        try
        {
            return await ReadResponseCoreAsync(head, cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException("No complete response in time.");
        }
    }

    /// <summary>True if the server closes the connection (EOF or reset) within <paramref name="timeout"/>,
    /// discarding anything else it sends; false if it is still open then.</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Deadline.Default);
        try
        {
            _start = _end = 0;
            while (true)
            {
                var read = await _socket.ReceiveAsync(_buffer.AsMemory(), SocketFlags.None, cts.Token);
                if (read == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    /// <summary>Reads until the server closes and returns every byte it sent first; throws <see cref="TimeoutException"/>
    /// if it is still open after <paramref name="timeout"/>. A reset counts as a close.</summary>
    public async Task<byte[]> ReadUntilCloseAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Deadline.Default);
        var received = new List<byte>(_buffer.AsSpan(_start, _end - _start).ToArray());
        _start = _end = 0;
        try
        {
            int read;
            while ((read = await _socket.ReceiveAsync(_buffer.AsMemory(), SocketFlags.None, cts.Token)) > 0)
            {
                received.AddRange(_buffer.AsSpan(0, read));
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException("The server kept the connection open.");
        }
        catch (SocketException)
        {
            // Reset: closed too.
        }
        return [.. received];
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose() => _socket.Dispose();

    private async Task<RawResponse> ReadResponseCoreAsync(bool head, CancellationToken token)
    {
        RawResponse? informational;
        do
        {
            var statusLine = await ReadLineAsync(token);
            var parts = statusLine.Split(' ', 3);
            if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !int.TryParse(parts[1], out var status))
            {
                throw new InvalidDataException($"Not a status line: '{statusLine}'");
            }
            var headers = new List<KeyValuePair<string, string>>();
            string line;
            while ((line = await ReadLineAsync(token)).Length > 0)
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
            }
            var response = new RawResponse { StatusLine = statusLine, Status = status, Headers = headers, Body = [] };
            if (status is >= 100 and < 200)
            {
                informational = response; // 100 Continue: the real response follows
                continue;
            }
            informational = null;
            if (head || status is 204 or 304)
            {
                return response;
            }
            byte[] body;
            if (response.Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
            {
                using var collected = new MemoryStream();
                while (true)
                {
                    var sizeLine = await ReadLineAsync(token);
                    var size = Convert.ToInt32(sizeLine.Split(';')[0].Trim(), 16);
                    if (size == 0)
                    {
                        while ((await ReadLineAsync(token)).Length > 0)
                        {
                            // trailers
                        }
                        break;
                    }
                    collected.Write(await ReadExactlyAsync(size, token));
                    await ReadLineAsync(token);
                }
                body = collected.ToArray();
            }
            else if (response.Header("Content-Length") is { } length)
            {
                body = await ReadExactlyAsync(int.Parse(length, System.Globalization.CultureInfo.InvariantCulture), token);
            }
            else
            {
                body = await ReadToEndAsync(token);
            }
            return new RawResponse { StatusLine = statusLine, Status = status, Headers = headers, Body = body };
        }
        while (informational is not null);
        throw new InvalidOperationException("unreachable");
    }

    private async Task<string> ReadLineAsync(CancellationToken token)
    {
        while (true)
        {
            var index = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (index >= 0)
            {
                var line = Encoding.Latin1.GetString(_buffer, _start, index);
                _start += index + 2;
                return line;
            }
            await FillAsync(token);
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken token)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end)
            {
                await FillAsync(token);
            }
            var take = Math.Min(count - copied, _end - _start);
            _buffer.AsSpan(_start, take).CopyTo(result.AsSpan(copied));
            _start += take;
            copied += take;
        }
        return result;
    }

    private async Task<byte[]> ReadToEndAsync(CancellationToken token)
    {
        using var collected = new MemoryStream();
        while (true)
        {
            collected.Write(_buffer, _start, _end - _start);
            _start = _end = 0;
            var read = await _socket.ReceiveAsync(_buffer.AsMemory(), SocketFlags.None, token);
            if (read == 0)
            {
                return collected.ToArray();
            }
            _end = read;
        }
    }

    private async Task FillAsync(CancellationToken token)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            throw new InvalidDataException("Response line longer than the client buffer.");
        }
        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, token);
        if (read == 0)
        {
            throw new EndOfStreamException("The server closed the connection before a complete response.");
        }
        _end += read;
    }
}
