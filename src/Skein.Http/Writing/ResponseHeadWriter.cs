// Writes a response head (RFC 9112 §4, §5): status line, Date and Server, the application's fields, the
// framing field and the Connection field, then the blank line. The framing decision itself is made by
// Http1Connection; this file only turns a decision into bytes.
using System.Buffers;

namespace Skein.Http.Writing;

internal static class ResponseHeadWriter
{
    /// <summary>What the Connection field says.</summary>
    public enum ConnectionField : byte
    {
        /// <summary>No Connection field (HTTP/1.1 persistence is the default).</summary>
        None,
        /// <summary><c>Connection: close</c>.</summary>
        Close,
        /// <summary><c>Connection: keep-alive</c>, for HTTP/1.0 clients that asked for it.</summary>
        KeepAlive,
    }

    /// <summary>The value of the Server field.</summary>
    public static ReadOnlySpan<byte> ServerLine => "Server: Skein\r\n"u8;

    /// <summary>Writes the whole head. <paramref name="contentLength"/> is written when non-negative.</summary>
    public static void Write(IBufferWriter<byte> output, int status, ResponseHeaders? headers, ReadOnlySpan<byte> dateLine,
        long contentLength, bool chunked, ConnectionField connection)
    {
        var writer = new OutputWriter(output);
        StatusLines.Write(ref writer, status);

        var hasDate = false;
        var hasServer = false;
        var count = headers?.Count ?? 0;
        for (var i = 0; i < count; i++)
        {
            var name = headers![i].Key;
            hasDate |= string.Equals(name, "Date", StringComparison.OrdinalIgnoreCase);
            hasServer |= string.Equals(name, "Server", StringComparison.OrdinalIgnoreCase);
        }
        // RFC 9110 §6.6.1: an origin server with a clock MUST send Date (in 2xx, 3xx and 4xx; we always do).
        if (!hasDate)
        {
            writer.Write(dateLine);
        }
        if (!hasServer)
        {
            writer.Write(ServerLine);
        }

        for (var i = 0; i < count; i++)
        {
            var (name, value) = headers![i];
            // Framing and persistence belong to the core: a handler's copy would contradict what is sent.
            if (IsCoreOwned(name))
            {
                continue;
            }
            writer.WriteLatin1(name);
            writer.Write(": "u8);
            writer.WriteLatin1(value);
            writer.Write("\r\n"u8);
        }

        if (contentLength >= 0)
        {
            writer.Write("Content-Length: "u8);
            writer.WriteDecimal(contentLength);
            writer.Write("\r\n"u8);
        }
        else if (chunked)
        {
            writer.Write("Transfer-Encoding: chunked\r\n"u8);
        }

        switch (connection)
        {
            case ConnectionField.Close:
                writer.Write("Connection: close\r\n"u8);
                break;
            case ConnectionField.KeepAlive:
                writer.Write("Connection: keep-alive\r\n"u8);
                break;
        }
        writer.Write("\r\n"u8);
        writer.Commit();
    }

    /// <summary>Writes "HTTP/1.1 100 Continue" and an empty header section (RFC 9110 §15.2.1).</summary>
    public static void WriteContinue(IBufferWriter<byte> output)
    {
        var writer = new OutputWriter(output);
        writer.Write("HTTP/1.1 100 Continue\r\n\r\n"u8);
        writer.Commit();
    }

    private static bool IsCoreOwned(string name) =>
        string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, "Connection", StringComparison.OrdinalIgnoreCase);
}
