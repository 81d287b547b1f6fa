// The request cycle, written once: the only place a transport meets the protocol core. read → core →
// handler → write, request after request, for every concurrency model (Go's conn.serve, nginx's shared
// http request cycle). It does not accept, schedule or choose threads: the models decide who runs it.
using System.Buffers;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Skein.Http;
using Skein.Http.Application;
using Skein.Server.Lifecycle;
using Skein.Server.Logging;

namespace Skein.Server.Connections;

/// <summary>
/// Serves one connection until it closes: parses requests (pipelined ones are answered strictly in order),
/// runs the handler, writes responses (zero-copy for files, chunked for streams of unknown length), keeps
/// the connection alive when the protocol allows, enforces the header, keep-alive and body timeouts, and
/// answers a rejected request once before closing.
/// </summary>
public static class ConnectionLoop
{
    /// <summary>Bodies the handler did not read are drained (to keep the connection) up to this size;
    /// beyond it the connection is closed instead. 64 KiB, a few round trips of discarding at most.</summary>
    public const long MaxDrainBytes = 64 * 1024;

    /// <summary>Response bodies up to this size are copied behind the head and sent with it in one write.</summary>
    private const int CoalesceBytes = 16 * 1024;

    /// <summary>Serves <paramref name="connection"/> over <paramref name="transport"/> until it closes, then
    /// disposes the transport and unregisters the connection. Never throws: failures are logged here.</summary>
    public static async ValueTask ServeAsync(ITransport transport, Connection connection, ServerContext server)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(server);
        var log = server.Log;
        var options = server.Options;
        using var scope = options.Verbose ? log.BeginScope(new ConnectionScope(connection.Id)) : null;
        ServerLog.ConnectionOpened(log, transport.RemoteEndPoint);
        using var http = new Http1Connection(options.Limits, server.Time);
        var body = new RequestBodyStream(transport, http, options.BodyReadTimeout);
        var requests = 0;
        var answerable = false; // true while a rejection may still be written (no byte of a response sent)
        var linger = false;
        try
        {
            var headStarted = server.Time.GetTimestamp(); // the first request's head is timed from the accept
            while (true)
            {
                // ---- 1. Read a request head: keep-alive timeout while idle, header timeout once a byte arrived.
                answerable = true;
                var started = requests == 0 || !transport.Received.IsEmpty;
                while (true)
                {
                    if (!transport.Received.IsEmpty)
                    {
                        var reader = new SequenceReader<byte>(transport.Received);
                        var status = http.TryReadRequestHead(ref reader);
                        transport.Consume(reader.Consumed);
                        if (status == ParseStatus.Complete)
                        {
                            break;
                        }
                    }
                    if (transport.IsInputFull)
                    {
                        throw new HttpProtocolException(RejectReason.HeadersTooLarge, "the head does not fit the input buffer");
                    }
                    TimeSpan timeout;
                    if (started)
                    {
                        timeout = options.HeaderTimeout - server.Time.GetElapsedTime(headStarted);
                        if (timeout <= TimeSpan.Zero)
                        {
                            throw new TimeoutException();
                        }
                    }
                    else
                    {
                        timeout = options.KeepAliveTimeout;
                    }
                    bool received;
                    try
                    {
                        received = await transport.ReceiveAsync(timeout);
                    }
                    catch (TimeoutException)
                    {
                        ServerLog.TimedOut(log, started ? "a request head (header timeout)" : "the next request (keep-alive timeout)");
                        return;
                    }
                    if (!received)
                    {
                        http.OnInputEnded(); // between requests: a normal close; mid-head: throws
                        return;
                    }
                    if (!started)
                    {
                        started = true;
                        headStarted = server.Time.GetTimestamp();
                    }
                    if (connection.State != ConnectionState.Active && !connection.TryBecomeActive())
                    {
                        return; // shutdown closed it while idle; the bytes were not yet a request we promised to answer
                    }
                }
                if (connection.State != ConnectionState.Active && !connection.TryBecomeActive())
                {
                    return;
                }
                requests++;

                // ---- 2. Run the handler.
                body.Begin(http.Head);
                var request = new HttpRequest(http.Head, body, connection.Id, transport.RemoteEndPoint?.ToString());
                if (log.IsEnabled(LogLevel.Debug))
                {
                    ServerLog.RequestStarted(log, request.MethodName, request.Target);
                }
                HttpResponse response;
                try
                {
                    response = await server.Handler.HandleAsync(request, connection.Aborted);
                }
                catch (Exception) when (body.Failure is not null)
                {
                    response = new HttpResponse(500); // never sent: the body, not the handler, failed; handled below
                }
                catch (OperationCanceledException) when (connection.Aborted.IsCancellationRequested)
                {
                    return; // the shutdown deadline aborted it
                }
                catch (Exception e)
                {
                    ServerLog.HandlerFailed(log, request.MethodName, request.Target, e);
                    response = HttpResponse.Text(500, "500 Internal Server Error\n");
                }

                // A stream body's first piece is read before anything is sent: a short body then goes out in one
                // write with a Content-Length, and a request body found malformed while the response streams it
                // (a streaming echo) is still answered with its rejection rather than a cut-off response.
                var prefix = default(BodyPrefix);
                if (response is { Body: StreamBody streamBody } && http.Head.Method != RequestMethod.Head)
                {
                    try
                    {
                        prefix = await BodyPrefix.ReadAsync(streamBody.Stream, CoalesceBytes, connection.Aborted);
                    }
                    catch (Exception e)
                    {
                        // The handler's stream failed before anything was sent: same as the handler failing.
                        await streamBody.Stream.DisposeAsync();
                        if (body.Failure is null)
                        {
                            ServerLog.HandlerFailed(log, request.MethodName, request.Target, e);
                            response = HttpResponse.Text(500, "500 Internal Server Error\n");
                        }
                    }
                }

                // ---- 3. Decide whether the connection survives this response. A body the handler never touched
                // is discarded now, before the response, when that is cheap: the connection stays usable, and a
                // body that turns out malformed is still answered with its rejection, not the handler's response.
                // (A body the handler started reading may still be read by its response, e.g. a streaming echo;
                // what is left of it is dealt with after the response.)
                var close = response.CloseConnection || server.Shutdown.IsStopping || server.Connections.IsClosingIdle;
                if (body.Failure is null && !body.IsComplete && !body.Touched)
                {
                    if ((http.Head.ExpectContinue && !body.ContinueSent) || body.Remaining > MaxDrainBytes
                        || !await DrainQuietlyAsync(body))
                    {
                        // RFC 9110 §10.1.1: without a 100 the client may never send the body; and a large unread
                        // body costs more to discard than a new connection. Close (lingering) instead.
                        close = true;
                        linger = true;
                    }
                }
                if (body.Failure is not null)
                {
                    prefix.Release();
                    (response.Body as StreamBody)?.Stream.Dispose();
                }
                switch (body.Failure)
                {
                    case HttpProtocolException rejected:
                        throw rejected; // answered once, below, then closed
                    case TimeoutException:
                        ServerLog.TimedOut(log, "the request body (body read timeout)");
                        return;
                    case not null:
                        ServerLog.ConnectionLost(log, body.Failure.Message);
                        return;
                }
                answerable = false;
                var bytes = await WriteResponseAsync(transport, http, response, prefix, close, log, connection.Aborted);
                if (bytes < 0)
                {
                    return; // the body failed after its head was sent: abort
                }
                server.AccessLog?.Write(transport.RemoteEndPoint, http.Head, response.Status, bytes);
                if (log.IsEnabled(LogLevel.Debug))
                {
                    ServerLog.RequestServed(log, request.MethodName, request.Target, response.Status);
                }

                // ---- 4. Next request, or close.
                if (!close && http.KeepAlive && !body.IsComplete && !await DrainQuietlyAsync(body))
                {
                    close = true;
                    linger = true;
                }
                if (!http.KeepAlive || close || body.Failure is not null)
                {
                    await transport.CloseAsync(linger);
                    return;
                }
                http.ResetForNextRequest();
                if (!connection.TryBecomeIdle() || server.Connections.IsClosingIdle)
                {
                    return; // shutdown began: an idle connection is closed
                }
            }
        }
        catch (HttpProtocolException e) when (e.Reason == RejectReason.UnexpectedEndOfInput)
        {
            ServerLog.ConnectionLost(log, "the client closed in the middle of a request");
        }
        catch (HttpProtocolException e)
        {
            // §5 of the style guide: answer a rejection once, with Connection: close, then close.
            ServerLog.Rejected(log, e.Status, e.Message);
            if (answerable)
            {
                await TryRejectAsync(transport, http, e);
            }
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or TimeoutException or OperationCanceledException)
        {
            // Reset, EOF or abort during shutdown: normal for a network server.
            ServerLog.ConnectionLost(log, e.Message);
        }
        catch (Exception e)
        {
            // Top of a connection: the one catch-all, logged with the connection id (scope).
            ServerLog.ConnectionFailed(log, e);
        }
        finally
        {
            transport.Dispose();
            server.Connections.Unregister(connection);
            ServerLog.ConnectionClosed(log, requests);
        }
    }

    // Drains an unread body; false when it is longer than MaxDrainBytes. A failure is left in body.Failure.
    private static async ValueTask<bool> DrainQuietlyAsync(RequestBodyStream body)
    {
        try
        {
            return await body.DrainAsync(MaxDrainBytes);
        }
        catch (Exception e) when (e is HttpProtocolException or TimeoutException or IOException or SocketException or ObjectDisposedException)
        {
            return true; // body.Failure says what happened
        }
    }

    private static async ValueTask TryRejectAsync(ITransport transport, Http1Connection http, HttpProtocolException error)
    {
        try
        {
            http.WriteRejection(transport.Output, error);
            await transport.FlushAsync();
            await transport.CloseAsync(linger: true);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            // The client is gone; nothing else to tell it.
        }
    }

    // Writes the head and the body. Returns the body bytes sent, or -1 when the body failed after the head
    // went out (the connection must then be aborted: its framing can no longer be completed).
    private static async ValueTask<long> WriteResponseAsync(ITransport transport, Http1Connection http, HttpResponse response, BodyPrefix prefix, bool close, ILogger log, CancellationToken aborted)
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
            prefix.Release();
            (content as StreamBody)?.Stream.Dispose();
            throw;
        }
        if (framing == ResponseFraming.None)
        {
            // HEAD, 1xx, 204, 304: the head only (RFC 9110 §9.3.2, §15.3.5, §15.4.5).
            prefix.Release();
            (content as StreamBody)?.Stream.Dispose();
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
                    return await CopyStreamAsync(transport, stream, prefix, framing, aborted);
                case StreamingBody streaming:
                    var target = new ResponseBodyStream(transport, framing);
                    await streaming.WriteAsync(target, aborted);
                    await target.CompleteAsync();
                    return target.BytesWritten;
                default:
                    throw new NotSupportedException($"Unknown response body {content.GetType().Name}.");
            }
        }
        catch (Exception e) when (e is not (SocketException or ObjectDisposedException))
        {
            ServerLog.BodyWriteFailed(log, e);
            return -1;
        }
    }

    private static async ValueTask<long> CopyStreamAsync(ITransport transport, StreamBody body, BodyPrefix prefix, ResponseFraming framing, CancellationToken aborted)
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

    // The first piece of a stream body, read before the head is written. Buffer is rented; Release returns it
    // when the body is not sent (CopyStreamAsync returns it otherwise).
    private readonly record struct BodyPrefix(byte[]? Buffer, int Count, bool Ended)
    {
        public static async ValueTask<BodyPrefix> ReadAsync(Stream stream, int size, CancellationToken cancellationToken)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(size);
            var count = 0;
            try
            {
                while (count < size)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(count, size - count), cancellationToken);
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

        public void Release()
        {
            if (Buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(Buffer);
            }
        }
    }
}
