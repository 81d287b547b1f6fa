// The HTTP/1.1 state machine of one connection, without I/O (the h11 / picohttpparser shape). This part
// holds the state, the public lifecycle and the reading of request heads; the body is in
// Http1Connection.Body.cs and the response side in Http1Connection.Response.cs. It never reads a socket,
// starts a thread or calls a clock other than the TimeProvider it is given.
using System.Buffers;
using Skein.Http.Parsing;
using Skein.Http.Writing;

namespace Skein.Http;

/// <summary>
/// The HTTP/1.1 state machine of one connection, without I/O: request bytes in, request head and body
/// pieces out; response heads and chunk framing written to an <see cref="IBufferWriter{T}"/>. Whoever owns
/// the socket feeds it and writes what it produces. Not thread-safe: one connection, one caller at a time.
/// </summary>
/// <remarks>
/// <para>The request cycle, repeated while <see cref="KeepAlive"/> stays true:</para>
/// <list type="number">
/// <item><see cref="TryReadRequestHead"/> until it returns <see cref="ParseStatus.Complete"/>. It consumes
/// every byte it is given up to the end of the head (partial lines are copied into <see cref="Head"/>'s own
/// buffer, so the caller may release consumed input at once and each byte is scanned once: a client
/// trickling one byte at a time costs O(n)). Bytes after the head (a body, or pipelined requests) are left
/// unconsumed.</item>
/// <item><see cref="TryReadBody"/> until it returns <see cref="BodyReadStatus.End"/> (immediately for a
/// request without a body). If <see cref="RequestHead.ExpectContinue"/> is set, call
/// <see cref="WriteContinue"/> before the first read that needs bytes from the client.</item>
/// <item><see cref="WriteResponseHead"/> once (interim 1xx heads excepted), then the body as the returned
/// <see cref="ResponseFraming"/> says. The handler may respond before reading the body; the body must
/// still be read to its end (drained) before the connection is reused.</item>
/// <item>If <see cref="KeepAlive"/> is false, close the connection after the response. Otherwise call
/// <see cref="ResetForNextRequest"/>, and immediately call <see cref="TryReadRequestHead"/> again if the
/// caller still holds unconsumed bytes (pipelined requests) before waiting for more input.</item>
/// </list>
/// <para>Any method may throw <see cref="HttpProtocolException"/> while reading; answer it with
/// <see cref="WriteRejection"/> and close the connection.</para>
/// </remarks>
public sealed partial class Http1Connection : IDisposable
{
    private enum RequestState : byte
    {
        /// <summary>Between requests: no byte of the next request received yet.</summary>
        Idle,
        /// <summary>Reading the request line (or the empty lines allowed before it).</summary>
        RequestLine,
        /// <summary>Reading field lines.</summary>
        Headers,
        /// <summary>Head complete; body bytes remain.</summary>
        Body,
        /// <summary>Head and body complete; waiting for the response and <see cref="ResetForNextRequest"/>.</summary>
        Complete,
        /// <summary>Rejected, ended or disposed: nothing more can be read.</summary>
        Closed,
    }

    private readonly DateHeaderCache _date;
    private RequestState _state;
    private int _lineStart;
    private int _requestLineBytes;
    private int _headerBytes;
    private RequestFields _fields;
    private bool _inputEnded;

    /// <summary>Creates the state for one connection. <paramref name="timeProvider"/> supplies the Date header.</summary>
    public Http1Connection(HttpLimits limits, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        Limits = limits;
        TimeProvider = timeProvider ?? TimeProvider.System;
        _date = new DateHeaderCache(TimeProvider);
    }

    /// <summary>The limits this connection enforces.</summary>
    public HttpLimits Limits { get; }

    /// <summary>The clock for the Date header.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The head of the current request; valid from a Complete <see cref="TryReadRequestHead"/> until <see cref="ResetForNextRequest"/>.</summary>
    public RequestHead Head { get; } = new();

    /// <summary>True from the first byte of a request until <see cref="ResetForNextRequest"/> (so while its
    /// head, body or response is in progress). False on a fresh connection, after a reset, and after the
    /// connection failed or ended. A server applies its keep-alive (idle) timeout while this is false and
    /// its request timeouts while it is true. Bytes of a pipelined request the caller holds but has not yet
    /// passed to <see cref="TryReadRequestHead"/> do not count: pass them on right after the reset.</summary>
    public bool IsRequestInProgress => _state is RequestState.RequestLine or RequestState.Headers
        or RequestState.Body or RequestState.Complete;

    /// <summary>True when the head of the current request is complete and its body has been read to the end
    /// (<see cref="TryReadBody"/> returned <see cref="BodyReadStatus.End"/>, or there was no body).</summary>
    public bool IsRequestBodyComplete => _state == RequestState.Complete;

    /// <summary>Parses as much of the next request head as <paramref name="input"/> holds, advancing it past
    /// what was consumed. On Complete, <see cref="Head"/> is filled and body framing is known.
    /// Throws <see cref="HttpProtocolException"/> on bad input.</summary>
    /// <remarks>Consumes all of <paramref name="input"/> while the head is incomplete (returning
    /// <see cref="ParseStatus.NeedMoreData"/>), so the caller passes only new bytes next time; on Complete it
    /// stops right after the blank line that ends the head. Limits are enforced as bytes arrive, so an
    /// endless line fails as soon as it passes its limit. Calling it while a request is still being
    /// answered (before <see cref="ResetForNextRequest"/>) throws <see cref="InvalidOperationException"/>.</remarks>
    public ParseStatus TryReadRequestHead(ref SequenceReader<byte> input)
    {
        switch (_state)
        {
            case RequestState.Body or RequestState.Complete:
                throw new InvalidOperationException("The current request is not finished: call ResetForNextRequest first.");
            case RequestState.Closed:
                throw new InvalidOperationException("The connection has failed or ended.");
        }

        try
        {
            while (!input.End)
            {
                if (_state == RequestState.Idle)
                {
                    _state = RequestState.RequestLine;
                }

                // Enforce the limit by looking at no more than the bytes it allows (STYLE §2): if the line
                // is still incomplete within that window, it is too long, whatever follows.
                var budget = _state == RequestState.RequestLine
                    ? Limits.MaxRequestLineBytes - _requestLineBytes
                    : Limits.MaxHeaderBytes - _headerBytes;
                var span = input.UnreadSpan;
                var window = span.Length > budget ? span[..budget] : span;
                var lf = window.IndexOf(HttpCharacters.Lf);
                var take = lf < 0 ? window.Length : lf + 1;

                Head.Append(window[..take]);
                input.Advance(take);
                if (_state == RequestState.RequestLine)
                {
                    _requestLineBytes += take;
                }
                else
                {
                    _headerBytes += take;
                }

                if (lf < 0)
                {
                    if (take == budget)
                    {
                        throw LimitExceeded();
                    }
                    continue;
                }
                if (CompleteLine())
                {
                    return ParseStatus.Complete;
                }
            }
            return ParseStatus.NeedMoreData;
        }
        catch (HttpProtocolException)
        {
            Fail();
            throw;
        }
    }

    /// <summary>The transport reached end of input. Returns normally when the connection was between
    /// requests; throws <see cref="HttpProtocolException"/> (UnexpectedEndOfInput) mid-request.</summary>
    /// <remarks>"Between requests" includes a request that was read completely (head and body) and awaits
    /// its response: a client may half-close after sending. That response is then sent with
    /// <c>Connection: close</c>, since no further request can arrive.</remarks>
    public void OnInputEnded()
    {
        _inputEnded = true;
        var midRequest = _state is RequestState.Headers or RequestState.Body
            || (_state == RequestState.RequestLine && Head.StoredLength > 0);
        if (midRequest)
        {
            Fail();
            throw new HttpProtocolException(RejectReason.UnexpectedEndOfInput);
        }
    }

    /// <summary>Moves on to the next request once the response is complete and the body fully read.</summary>
    /// <remarks>Requires, for the current request: the body read to its end (<see cref="IsRequestBodyComplete"/>;
    /// drain it with <see cref="TryReadBody"/> if the handler did not), a final response head written, and
    /// <see cref="KeepAlive"/> true; otherwise throws <see cref="InvalidOperationException"/>. The caller
    /// must also have written the whole response body. Invalidates every span of <see cref="Head"/>.
    /// Does nothing between requests.</remarks>
    public void ResetForNextRequest()
    {
        if (_state == RequestState.Idle)
        {
            return;
        }
        if (_state != RequestState.Complete)
        {
            throw new InvalidOperationException(_state == RequestState.Body
                ? "The request body has not been read to its end: drain it with TryReadBody first."
                : "No complete request to finish.");
        }
        if (!_responseHeadWritten)
        {
            throw new InvalidOperationException("No response was written for the current request.");
        }
        if (!KeepAlive)
        {
            throw new InvalidOperationException("The connection is not persistent: close it instead.");
        }

        Head.Clear();
        _state = RequestState.Idle;
        _lineStart = 0;
        _requestLineBytes = 0;
        _headerBytes = 0;
        _fields = default;
        _chunked.Reset();
        _bodyRemaining = 0;
        _responseHeadWritten = false;
        _continueWritten = false;
        _keepAlive = false;
    }

    /// <summary>Returns the pooled buffers. The connection is unusable afterwards.</summary>
    public void Dispose()
    {
        _state = RequestState.Closed;
        _keepAlive = false;
        Head.Dispose();
    }

    /// <summary>A line (ending in LF) was just stored; parses it. True when it ended the head.</summary>
    private bool CompleteLine()
    {
        var end = Head.StoredLength;
        var length = end - _lineStart;
        // RFC 9112 §2.2: lines end in CRLF. A bare LF is refused rather than guessed at (the MAY to accept
        // it is where parsers start to disagree, which is what smuggling feeds on).
        if (length < 2 || Head.Stored(end - 2, 1)[0] != HttpCharacters.Cr)
        {
            throw new HttpProtocolException(_state == RequestState.RequestLine ? RejectReason.MalformedRequestLine : RejectReason.MalformedHeader,
                "line not ended by CRLF");
        }
        var content = length - 2;

        if (_state == RequestState.RequestLine)
        {
            if (content == 0)
            {
                // RFC 9112 §2.2: "a server SHOULD ignore at least one empty line (CRLF) received prior to the
                // request-line". They still count against the request-line limit, so they cannot go on forever.
                Head.Clear();
                _lineStart = 0;
                return false;
            }
            RequestLineParser.Parse(Head, _lineStart, content, Limits);
            _state = RequestState.Headers;
            _lineStart = Head.StoredLength;
            return false;
        }

        if (content == 0)
        {
            _fields.Complete(Head, Limits);
            StartBody();
            return true;
        }
        HeaderParser.ParseLine(Head, _lineStart, content, Limits, ref _fields);
        _lineStart = Head.StoredLength;
        return false;
    }

    private HttpProtocolException LimitExceeded() => _state == RequestState.RequestLine
        ? RequestLineParser.Overlong(Head.Stored(_lineStart, Head.StoredLength - _lineStart), Limits)
        : new HttpProtocolException(RejectReason.HeadersTooLarge);

    /// <summary>After a rejection or a broken connection nothing more is read, and the connection closes.</summary>
    private void Fail()
    {
        _state = RequestState.Closed;
        _keepAlive = false;
    }
}
