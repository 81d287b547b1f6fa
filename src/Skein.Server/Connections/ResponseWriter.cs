// Writing one response to a transport: the head (by the core), then the body by kind — bytes coalesced
// with the head or sent as they are, a file with sendfile, a stream copied in bounded pieces, a streaming
// writer framed as chunks. It does not decide whether the connection survives (the ConnectionLoop does)
// and never reads the request.
using System.Buffers;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Skein.Http;
using Skein.Http.Application;
using Skein.Server.Logging;

namespace Skein.Server.Connections;

/// <summary>Writes responses for one connection; see <see cref="WriteAsync"/>.</summary>
internal sealed class ResponseWriter(ITransport transport, Http1Connection http, ILogger log)
{
    /// <summary>Response bodies up to this size are copied behind the head and sent with it in one write;
    /// a stream body's first piece of this size is read before the head (<see cref="BodyPrefix"/>).</summary>
    public const int CoalesceBytes = 16 * 1024;

    /// <summary>Releases what an unsent response holds: its prefix buffer and its stream.</summary>
    public static void Discard(HttpResponse response, BodyPrefix prefix)
    {
        prefix.Release();
        (response.Body as StreamBody)?.Stream.Dispose();
    }

    /// <summary>Writes the head and the body. Returns the body bytes sent, or -1 when the body failed after
    /// the head went out or the client took it too slowly (the connection must then be aborted: its framing
    /// can no longer be completed). Throws <see cref="SocketException"/> or <see cref="ObjectDisposedException"/> when the connection is lost.</summary>
    public async ValueTask<long> WriteAsync(HttpResponse response, BodyPrefix prefix, bool close, CancellationToken aborted)
    {
        var content = response.Body;
        // A stream that ended within its prefix has a known length after all: no chunking needed.
        var length = content.Length ?? (prefix.Ended ? prefix.Count : null);
        ResponseFraming framing;
        try
        {
            framing = http.WriteResponseHead(transport.Output, response.Status, response.Headers, length, close);
        }
        catch
        {
            Discard(response, prefix);
            throw;
        }
        if (framing == ResponseFraming.None)
        {
            // HEAD, 1xx, 204, 304: the head only (RFC 9110 §9.3.2, §15.3.5, §15.4.5).
            Discard(response, prefix);
            await transport.FlushAsync();
            return 0;
        }
        try
        {
            switch (content)
            {
                case BytesBody bytes:
                    if (bytes.Content.Length <= CoalesceBytes)
                    {
                        transport.Output.Write(bytes.Content.Span);
                        await transport.FlushAsync();
                    }
                    else
                    {
                        await transport.SendAsync(bytes.Content);
                    }
                    return bytes.Content.Length;
                case FileBody file:
                    await transport.SendFileAsync(file.Path, file.Offset, file.Length ?? 0);
                    return file.Length ?? 0;
                case StreamBody stream:
                    return await CopyStreamAsync(stream, prefix, framing, aborted);
                case StreamingBody streaming:
                    var target = new ResponseBodyStream(transport, framing);
                    await streaming.WriteAsync(target, aborted);
                    await target.CompleteAsync();
                    return target.BytesWritten;
                default:
                    throw new NotSupportedException($"Unknown response body {content.GetType().Name}.");
            }
        }
        catch (TimeoutException)
        {
            ServerLog.TimedOut(log, "the client to take the response (minimum response data rate)");
            return -1;
        }
        catch (Exception e) when (e is not (SocketException or ObjectDisposedException))
        {
            ServerLog.BodyWriteFailed(log, e);
            return -1;
        }
    }

    private async ValueTask<long> CopyStreamAsync(StreamBody body, BodyPrefix prefix, ResponseFraming framing, CancellationToken aborted)
    {
        await using var source = body.Stream;
        var target = new ResponseBodyStream(transport, framing);
        var buffer = prefix.Buffer ?? ArrayPool<byte>.Shared.Rent(CoalesceBytes);
        try
        {
            await target.WriteAsync(buffer.AsMemory(0, prefix.Count), aborted);
            int read;
            while (!prefix.Ended && (read = await source.ReadAsync(buffer.AsMemory(0, CoalesceBytes), aborted)) > 0)
            {
                await target.WriteAsync(buffer.AsMemory(0, read), aborted);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (body.Length is { } declared && declared != target.BytesWritten)
        {
            throw new IOException($"The response stream gave {target.BytesWritten} bytes, not the {declared} announced.");
        }
        await target.CompleteAsync();
        return target.BytesWritten;
    }
}

/// <summary>The first piece of a stream body, read before the head is written: a short body then goes out
/// in one write with a Content-Length. <see cref="Buffer"/> is rented; <see cref="Release"/> returns it when
/// the body is not sent (the <see cref="ResponseWriter"/> returns it otherwise).</summary>
internal readonly record struct BodyPrefix(byte[]? Buffer, int Count, bool Ended)
{
    /// <summary>Reads up to <see cref="ResponseWriter.CoalesceBytes"/> from <paramref name="stream"/>.</summary>
    public static async ValueTask<BodyPrefix> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        const int Size = ResponseWriter.CoalesceBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(Size);
        var count = 0;
        try
        {
            while (count < Size)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(count, Size - count), cancellationToken);
                if (read == 0)
                {
                    return new BodyPrefix(buffer, count, Ended: true);
                }
                count += read;
            }
            return new BodyPrefix(buffer, count, Ended: false);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>Returns the buffer to the pool.</summary>
    public void Release()
    {
        if (Buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(Buffer);
        }
    }
}
