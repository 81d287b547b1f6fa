// The request cycle, written once: the only place a transport meets the protocol core. Read a request
// head, invoke the handler, settle the body it left unread, write the response, then serve the next
// request or close — for every concurrency model (Go's conn.serve with readRequest and finishRequest,
// Kestrel's ProcessRequestsAsync). It does not accept, schedule or choose threads: the models decide who
// runs it. Response bodies are written by ResponseWriter.
//
// The steps a connection waits in between requests and while its handler waits (reading a head, invoking the
// handler, and the transport's receive) are pooled async methods (PoolingAsyncValueTaskMethodBuilder), awaited
// with ConfigureAwait(false): a pooled method's completion runs its awaiter inline, where it completes, and
// these complete on the connection's thread (the transport's completions run on the loop; the handler's await
// keeps the loop's context, so it resumes there). Every other await keeps the context: on a thread with a
// SynchronizationContext, the runtime queues the continuation of a Task-backed await without it to the
// thread pool. What this saves is the allocation of each suspended await, a state machine box, and on a loop a
// continuation object and a delegate: about 400 of the 726 bytes a keep-alive request allocated (docs/performance.md).
using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Skein.Http;
using Skein.Http.Application;
using Skein.Http.Proxy;
using Skein.Server.Lifecycle;
using Skein.Server.Logging;

namespace Skein.Server.Connections;

/// <summary>
/// Serves one connection until it closes: parses requests (pipelined ones are answered strictly in order),
/// runs the handler, writes responses (zero-copy for files, chunked for streams of unknown length), keeps
/// the connection alive when the protocol allows, enforces the header, keep-alive and body timeouts, and
/// answers a rejected request once before closing.
/// </summary>
public sealed class ConnectionLoop : IDisposable
{
    /// <summary>Bodies the handler did not read are drained (to keep the connection) up to this size;
    /// beyond it the connection is closed instead. 64 KiB, a few round trips of discarding at most.</summary>
    public const long MaxDrainBytes = 64 * 1024;

    private readonly ITransport _transport;
    private readonly Connection _connection;
    private readonly ServerContext _server;
    private readonly ServerOptions _options;
    private readonly ILogger _log;
    private readonly Http1Connection _http;
    private readonly RequestBodyStream _body;
    private readonly ResponseWriter _writer;
    private readonly WaitingLine? _line; // single, process-pool: others waiting for this thread
    private long _headStarted; // when the current head began (the accept, for the first request)
    private IPEndPoint? _client; // the peer, or the client a PROXY header named
    private int _requests;

    private ConnectionLoop(ITransport transport, Connection connection, ServerContext server, WaitingLine? line)
    {
        _line = line;
        _transport = transport;
        _connection = connection;
        _server = server;
        _options = server.Options;
        _log = server.Log;
        _http = new Http1Connection(_options.Limits, server.Time);
        _body = new RequestBodyStream(transport, _http, _options.BodyReadTimeout, _options.MinRequestBodyDataRate, server.Time);
        _writer = new ResponseWriter(transport, _http, _log);
        _headStarted = server.Time.GetTimestamp();
        _client = transport.RemoteEndPoint;
    }

    // What the connection does once a response is decided: serve the next request, close politely
    // (lingering when the client may still be sending), or drop it without a word (it failed or was lost).
    private enum Next { NextRequest, Close, LingeringClose, Drop }

    // A request the handler has answered: the response and, for a stream body, its first piece.
    private readonly record struct Exchange(HttpRequest Request, HttpResponse Response, BodyPrefix Prefix);

    /// <summary>Serves <paramref name="connection"/> over <paramref name="transport"/> until it closes, then
    /// disposes the transport and unregisters the connection. Never throws: failures are logged here. With a
    /// <paramref name="line"/> (a server with one serving thread), a response written while others wait closes the
    /// connection, and the line's rule is told what the connection waits for.</summary>
    public static ValueTask ServeAsync(ITransport transport, Connection connection, ServerContext server, WaitingLine? line = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(server);
        var loop = new ConnectionLoop(transport, connection, server, line);
        // Not an async method itself: every async level a parked connection waits in costs a state machine box,
        // and on an event loop a continuation object and a delegate (docs/performance.md, memory per waiter).
        return server.Options.Verbose ? loop.RunInScopeAsync() : loop.RunAsync();
    }

    /// <summary>Releases the protocol state (<see cref="ServeAsync"/> does it when the connection ends).</summary>
    public void Dispose()
    {
        _body.Dispose();
        _http.Dispose();
    }

    // With --verbose, every line logged for the connection carries its id (a logging scope, which an async
    // method of its own restores when the connection ends).
    private async ValueTask RunInScopeAsync()
    {
        using var scope = _log.BeginScope(new ConnectionScope(_connection.Id));
        await RunAsync();
    }

    // The cycle, request after request. Each step returns false (or Drop) when the connection is over.
    private async ValueTask RunAsync()
    {
        ServerLog.ConnectionOpened(_log, _transport.RemoteEndPoint);
        try
        {
            if (_options.ProxyProtocol && !await ReadProxyHeaderAsync())
            {
                return;
            }
            while (await ReadRequestHeadAsync().ConfigureAwait(false))
            {
                if (await InvokeHandlerAsync().ConfigureAwait(false) is not { } exchange)
                {
                    return; // the handler was cancelled: its client went away, or the shutdown deadline passed
                }
                var next = await SettleUnreadBodyAsync(exchange);
                if (next == Next.Drop || !await WriteResponseAsync(exchange, close: next != Next.NextRequest))
                {
                    return;
                }
                if (!await FinishRequestAsync(next))
                {
                    return;
                }
            }
        }
        catch (HttpProtocolException e) when (e.Reason == RejectReason.UnexpectedEndOfInput)
        {
            ServerLog.ConnectionLost(_log, "the client closed in the middle of a request");
        }
        catch (HttpProtocolException e)
        {
            // §5 of the style guide: answer a rejection once, with Connection: close, then close. Rejections
            // arise only before a response byte is written (reading a head, settling a body): the response
            // writer turns every later failure into an abort.
            ServerLog.Rejected(_log, e.Status, e.Message);
            await TryRejectAsync(e);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or TimeoutException or OperationCanceledException)
        {
            // Reset, EOF or abort during shutdown: normal for a network server.
            ServerLog.ConnectionLost(_log, e.Message);
        }
        catch (Exception e)
        {
            // Top of a connection: the one catch-all, logged with the connection id (scope).
            ServerLog.ConnectionFailed(_log, e);
        }
        finally
        {
            _transport.Dispose();
            Dispose();
            _server.Connections.Unregister(_connection);
            ServerLog.ConnectionClosed(_log, _requests);
        }
    }

    // Step 0, with --proxy-protocol: the peer must be a proxy allowed by --proxy-from, and its first bytes a
    // PROXY header naming the client, who is from then on the connection's client (access log, handlers).
    // Otherwise the connection is closed without a word: no HTTP was spoken, and answering would tell a
    // stranger what listens here. The header shares the first request's header timeout.
    private async ValueTask<bool> ReadProxyHeaderAsync()
    {
        if (!_options.ProxyFrom.Contains(_client?.Address))
        {
            ServerLog.ProxyRefused(_log, _client, "the peer is not allowed by --proxy-from");
            return false;
        }
        while (true)
        {
            var status = ProxyHeaderParser.TryParse(_transport.Received.FirstSpan, out var header, out var consumed, out var rejection);
            if (status == ProxyParseStatus.Complete)
            {
                _transport.Consume(consumed);
                _client = header.Source ?? _client; // LOCAL (a health check) and UNKNOWN keep the peer's address
                return true;
            }
            if (status == ProxyParseStatus.Rejected)
            {
                ServerLog.ProxyRefused(_log, _client, rejection!);
                return false;
            }
            var timeout = _options.HeaderTimeout - _server.Time.GetElapsedTime(_headStarted);
            if (timeout <= TimeSpan.Zero || !await _transport.ReceiveAsync(timeout).ConfigureAwait(false))
            {
                ServerLog.ProxyRefused(_log, _client, "the connection ended before a whole PROXY header");
                return false;
            }
        }
    }

    // Step 1 (Go's readRequest): waits for a complete request head, under the keep-alive timeout while the
    // connection is idle and the header timeout once a byte of the head arrived (from the accept, for the
    // first request; from now, for a pipelined one). False when the connection ends instead: closed between
    // requests, idle too long, or closed by shutdown while idle. Throws HttpProtocolException for a head the
    // core rejects, or that did not arrive within the header timeout (408, as Kestrel answers).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReadRequestHeadAsync()
    {
        var started = _requests == 0 || !_transport.Received.IsEmpty;
        if (_requests > 0 && started)
        {
            _headStarted = _server.Time.GetTimestamp(); // a pipelined head: the clock starts when we read it
        }
        long headBytes = _transport.Received.Length;
        while (true)
        {
            if (!_transport.Received.IsEmpty)
            {
                var reader = new SequenceReader<byte>(_transport.Received);
                var status = _http.TryReadRequestHead(ref reader);
                _transport.Consume(reader.Consumed);
                if (status == ParseStatus.Complete)
                {
                    break;
                }
            }
            if (_transport.IsInputFull)
            {
                throw new HttpProtocolException(RejectReason.HeadersTooLarge, "the head does not fit the input buffer");
            }
            var timeout = started ? HeaderTimeLeft() : _options.KeepAliveTimeout;
            bool received;
            try
            {
                if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
                {
                    throw new TimeoutException(); // the header deadline passed while parsing what had arrived
                }
                if (started)
                {
                    // A first head is as old as the connection: time spent waiting in the line counts.
                    _line?.WaitingForHead(_requests == 0 ? _connection.QuietFor : _server.Time.GetElapsedTime(_headStarted), headBytes);
                }
                else
                {
                    _line?.WaitingForRequest(_connection.QuietFor);
                }
                var before = _transport.Received.Length;
                received = await _transport.ReceiveAsync(timeout).ConfigureAwait(false);
                headBytes += _transport.Received.Length - before;
            }
            catch (TimeoutException)
            {
                var gaveWay = _line is { OthersWaiting: true }; // the line's rule, not a timeout, may have ended the wait
                if (_http.IsRequestInProgress)
                {
                    throw new HttpProtocolException(RejectReason.RequestTimeout, gaveWay
                        ? $"the request head came slower than {WaitingLine.MinHeadRate} bytes/s while others waited"
                        : "the request head did not arrive within the header timeout");
                }
                // Nothing of a request arrived (a fresh connection that never spoke, or an idle keep-alive
                // one): there is nothing to answer, so close quietly, as Kestrel and nginx do.
                ServerLog.TimedOut(_log, gaveWay ? "a request while others waited"
                    : started ? "a request head (header timeout)" : "the next request (keep-alive timeout)");
                return false;
            }
            if (!received)
            {
                _http.OnInputEnded(); // between requests: a normal close; mid-head: throws
                return false;
            }
            if (!started)
            {
                started = true;
                _headStarted = _server.Time.GetTimestamp();
            }
            if (_connection.State != ConnectionState.Active && !_connection.TryBecomeActive())
            {
                return false; // shutdown closed it while idle; the bytes were not yet a request we promised to answer
            }
        }
        if (_connection.State != ConnectionState.Active && !_connection.TryBecomeActive())
        {
            return false;
        }
        _line?.Serving();
        _requests++;
        return true;
    }

    private TimeSpan HeaderTimeLeft() => _options.HeaderTimeout == Timeout.InfiniteTimeSpan
        ? Timeout.InfiniteTimeSpan
        : _options.HeaderTimeout - _server.Time.GetElapsedTime(_headStarted);

    // Step 2 (Go's serverHandler.ServeHTTP): runs the handler on the parsed head. A handler that throws
    // gets a 500; null when it was cancelled because its client went away or the shutdown deadline passed. A stream body's first piece is read here,
    // before anything is sent: a short body then goes out in one write with a Content-Length, and a
    // request body found malformed while the response streams it (a streaming echo) is still answered
    // with its rejection rather than a cut-off response.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Exchange?> InvokeHandlerAsync()
    {
        _body.Begin(_http.Head);
        var request = new HttpRequest(_http.Head, _body, _connection.Id, _client);
        if (_log.IsEnabled(LogLevel.Debug))
        {
            ServerLog.RequestStarted(_log, request.MethodName, request.Target);
        }
        HttpResponse response;
        var parked = Parked.No;
        try
        {
            var handling = _server.Handler.HandleAsync(request, _connection.Aborted);
            if (!handling.IsCompleted)
            {
                parked = Park();
            }
            response = await handling;
        }
        catch (Exception) when (_body.Failure is not null)
        {
            response = new HttpResponse(500); // never sent: the body, not the handler, failed; settled next
        }
        catch (OperationCanceledException) when (_connection.Aborted.IsCancellationRequested)
        {
            return null; // the client went away, or the shutdown deadline passed
        }
        catch (Exception e)
        {
            ServerLog.HandlerFailed(_log, request.MethodName, request.Target, e);
            response = HttpResponse.Text(500, "500 Internal Server Error\n");
        }
        finally
        {
            Unpark(parked);
        }

        var prefix = default(BodyPrefix);
        if (response is { Body: StreamBody streamBody } && _http.Head.Method != RequestMethod.Head)
        {
            try
            {
                prefix = await BodyPrefix.ReadAsync(streamBody.Stream, _connection.Aborted);
            }
            catch (Exception e)
            {
                // The handler's stream failed before anything was sent: same as the handler failing.
                await streamBody.Stream.DisposeAsync();
                if (_body.Failure is null)
                {
                    ServerLog.HandlerFailed(_log, request.MethodName, request.Target, e);
                    response = HttpResponse.Text(500, "500 Internal Server Error\n");
                }
            }
        }
        return new Exchange(request, response, prefix);
    }

    // Who notices the client hanging up while a handler waits.
    private enum Parked { No, WatchedByTransport, WatchedByWatcher, Unwatched }

    // A handler that does not finish at once is waiting for something (a long poll, a timer). Meanwhile the
    // connection holds no input buffer, and its client is watched: if it hangs up, the handler's token fires
    // (Connection.Abandon). The event loop's transport notices a hang-up itself; a blocking one needs the
    // process's watcher. Not an async step of its own: a parked connection waits in as few as possible.
    private Parked Park()
    {
        _transport.ReleaseIdleBuffers();
        return _transport.WatchHangUp(_connection) ? Parked.WatchedByTransport
            : _server.Disconnects.Watch(_connection) ? Parked.WatchedByWatcher
            : Parked.Unwatched;
    }

    private void Unpark(Parked parked)
    {
        switch (parked)
        {
            case Parked.WatchedByTransport:
                _transport.UnwatchHangUp();
                break;
            case Parked.WatchedByWatcher:
                _server.Disconnects.Unwatch(_connection);
                break;
        }
    }

    // Step 3: decides whether the connection survives this response. A body the handler never touched is
    // discarded now, before the response, when that is cheap: the connection stays usable, and a body that
    // turns out malformed is still answered with its rejection, not the handler's response. (A body the
    // handler started reading may still be read by its response, e.g. a streaming echo; what is left of it
    // is dealt with after the response.) A failed body throws its rejection or drops the connection.
    private async ValueTask<Next> SettleUnreadBodyAsync(Exchange exchange)
    {
        // With others waiting for this thread, the connection hands it over: Connection: close tells its client to
        // come back on a new connection, which waits its turn (nginx closes keep-alive connections it needs, too).
        _line?.LookAtListener();
        var next = exchange.Response.CloseConnection || _server.Shutdown.IsStopping || _server.Connections.IsClosingIdle
            || _line is { OthersWaiting: true }
            ? Next.Close
            : Next.NextRequest;
        if (_body.Failure is null && !_body.IsComplete && !_body.Touched)
        {
            if ((_http.Head.ExpectContinue && !_body.ContinueSent) || _body.Remaining > MaxDrainBytes
                || !await DrainQuietlyAsync())
            {
                // RFC 9110 §10.1.1: without a 100 the client may never send the body; and a large unread
                // body costs more to discard than a new connection. Close (lingering) instead.
                next = Next.LingeringClose;
            }
        }
        if (_body.Failure is not null)
        {
            ResponseWriter.Discard(exchange.Response, exchange.Prefix);
        }
        switch (_body.Failure)
        {
            case HttpProtocolException rejected:
                throw rejected; // answered once (a malformed body, or a 408 for a slow one), then closed
            case not null:
                ServerLog.ConnectionLost(_log, _body.Failure.Message);
                return Next.Drop;
        }
        return next;
    }

    // Step 4: writes the response (ResponseWriter). False when its body failed after the head was sent.
    private async ValueTask<bool> WriteResponseAsync(Exchange exchange, bool close)
    {
        var response = exchange.Response;
        if (close || !_http.Head.KeepAliveRequested)
        {
            _transport.CloseAfterOutput(); // its last response: FinishRequestAsync closes right after it
        }
        var bytes = await _writer.WriteAsync(response, exchange.Prefix, close, _connection.Aborted);
        if (bytes < 0)
        {
            return false; // the body failed after its head was sent: abort
        }
        _server.AccessLog?.Write(_client, _http.Head, response.Status, bytes);
        _server.Scoreboard?.RecordResponse(response.Status, bytes, _server.Time.GetElapsedTime(_headStarted));
        if (_log.IsEnabled(LogLevel.Debug))
        {
            ServerLog.RequestServed(_log, exchange.Request.MethodName, exchange.Request.Target, response.Status);
        }
        return true;
    }

    // Step 5 (Go's finishRequest): discards what is left of a body the handler started reading, then
    // either closes the connection or readies it, idle, for the next request. True to serve another.
    private async ValueTask<bool> FinishRequestAsync(Next next)
    {
        if (next == Next.NextRequest && _http.KeepAlive && !_body.IsComplete && !await DrainQuietlyAsync())
        {
            next = Next.LingeringClose;
        }
        if (next != Next.NextRequest || !_http.KeepAlive || _body.Failure is not null)
        {
            await _transport.CloseAsync(linger: next == Next.LingeringClose);
            return false;
        }
        _http.ResetForNextRequest();
        // Shutdown began while this response was under way (it went out without Connection: close): the client may
        // already be sending its next request, so the connection idles and the registry's quiet rule closes it
        // (a request arriving first is answered with Connection: close); after its last pass, it closes now.
        return _connection.TryBecomeIdle() && !_server.Connections.HasClosedAllIdle;
    }

    // Drains an unread body; false when it is longer than MaxDrainBytes. A failure is left in body.Failure.
    private async ValueTask<bool> DrainQuietlyAsync()
    {
        try
        {
            return await _body.DrainAsync(MaxDrainBytes);
        }
        catch (Exception e) when (e is HttpProtocolException or TimeoutException or IOException or SocketException or ObjectDisposedException)
        {
            return true; // body.Failure says what happened
        }
    }

    private async ValueTask TryRejectAsync(HttpProtocolException error)
    {
        try
        {
            _http.WriteRejection(_transport.Output, error);
            _server.Scoreboard?.RecordResponse(error.Status, 0, _server.Time.GetElapsedTime(_headStarted));
            await _transport.FlushAsync();
            // Lingering protects the answer from a reset while the client is still sending; a client that
            // timed out is slow by definition, and is not worth holding a thread or process for.
            await _transport.CloseAsync(linger: error.Reason != RejectReason.RequestTimeout);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            // The client is gone; nothing else to tell it.
        }
    }
}
