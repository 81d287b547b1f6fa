// HttpExchange: one request/response over an already connected socket, for the tools where convenience
// beats speed (probe, comet): it allocates the response it returns. The load generator does not use it.
using System.Buffers;
using System.Buffers.Text;
using System.Net.Sockets;
using System.Text;

namespace Skein.Bench.Http;

/// <summary>A complete response: status and decoded body.</summary>
/// <param name="Status">Status code.</param>
/// <param name="Body">Body bytes, de-chunked.</param>
/// <param name="KeepAlive">Whether the connection may be reused.</param>
public sealed record HttpReply(int Status, byte[] Body, bool KeepAlive)
{
    /// <summary>The body as text (Latin-1), trimmed.</summary>
    public string BodyText => Encoding.Latin1.GetString(Body).Trim();
}

/// <summary>Writes a request and reads one whole response.</summary>
public static class HttpExchange
{
    /// <summary>Largest response these tools read: 1 MiB (they fetch short answers and small pages).</summary>
    private const int MaxResponseBytes = 1024 * 1024;

    /// <summary>A GET request with Host (RFC 9112 §3.2) for <paramref name="pathAndQuery"/>.</summary>
    public static byte[] Get(Uri server, string pathAndQuery, bool close) =>
        Encoding.ASCII.GetBytes($"GET {pathAndQuery} HTTP/1.1\r\nHost: {server.Authority}\r\n{(close ? "Connection: close\r\n" : "")}\r\n");

    /// <summary>Sends <paramref name="request"/> and reads the response.</summary>
    /// <exception cref="IOException">The connection closed or failed before the response was complete, or it cannot be framed.</exception>
    /// <exception cref="SocketException">The socket failed.</exception>
    public static async Task<HttpReply> SendAsync(Socket socket, ReadOnlyMemory<byte> request, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(socket);
        await socket.SendAsync(request, SocketFlags.None, cancel).ConfigureAwait(false);
        return await ReadAsync(socket, cancel).ConfigureAwait(false);
    }

    /// <summary>Reads one response from <paramref name="socket"/>.</summary>
    /// <exception cref="IOException">The connection closed or failed before the response was complete, or it cannot be framed.</exception>
    public static async Task<HttpReply> ReadAsync(Socket socket, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var parser = new HttpResponseParser();
        parser.Reset();
        var all = new ArrayBufferWriter<byte>(1024);
        int parsed = 0;
        while (true)
        {
            var memory = all.GetMemory(1024);
            int n = await socket.ReceiveAsync(memory, SocketFlags.None, cancel).ConfigureAwait(false);
            if (n == 0)
            {
                if (parser.OnEndOfStream())
                {
                    return Reply(parser, all.WrittenSpan);
                }
                throw new IOException(all.WrittenCount == 0 ? "connection closed before any response" : "connection closed mid-response");
            }
            all.Advance(n);
            if (all.WrittenCount > MaxResponseBytes)
            {
                throw new IOException("response larger than 1 MiB");
            }
            // The parser leaves partial lines unconsumed; everything stays in `all`, so resume from `parsed`.
            var status = parser.Parse(all.WrittenSpan[parsed..], out int consumed);
            parsed += consumed;
            if (status == ResponseParseStatus.Complete)
            {
                return Reply(parser, all.WrittenSpan[..parsed]);
            }
            if (status == ResponseParseStatus.Invalid)
            {
                throw new IOException("response cannot be parsed as HTTP/1.x");
            }
        }
    }

    private static HttpReply Reply(HttpResponseParser parser, ReadOnlySpan<byte> raw)
    {
        // The last head in the bytes is the final response's (1xx interim heads come before it).
        int headEnd = raw.IndexOf("\r\n\r\n"u8);
        while (headEnd >= 0 && raw[..headEnd].StartsWith("HTTP/1.1 1"u8) && raw[(headEnd + 4)..].StartsWith("HTTP/"u8))
        {
            raw = raw[(headEnd + 4)..];
            headEnd = raw.IndexOf("\r\n\r\n"u8);
        }
        var body = headEnd < 0 ? [] : raw[(headEnd + 4)..];
        return new HttpReply(parser.StatusCode, parser.Chunked ? Dechunk(body) : body.ToArray(), parser.KeepAlive);
    }

    private static byte[] Dechunk(ReadOnlySpan<byte> chunked)
    {
        var body = new ArrayBufferWriter<byte>(chunked.Length);
        while (true)
        {
            int lineEnd = chunked.IndexOf("\r\n"u8);
            var line = chunked[..lineEnd];
            int ext = line.IndexOf((byte)';');
            if (!Utf8Parser.TryParse(ext < 0 ? line : line[..ext], out long size, out _, 'x'))
            {
                throw new IOException("bad chunk size"); // the parser already accepted it; cannot happen
            }
            chunked = chunked[(lineEnd + 2)..];
            if (size == 0)
            {
                return body.WrittenSpan.ToArray();
            }
            body.Write(chunked[..(int)size]);
            chunked = chunked[((int)size + 2)..];
        }
    }
}
