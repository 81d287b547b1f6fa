using System.Buffers;

namespace Skein.Http;

/// <summary>
/// The HTTP/1.1 state machine of one connection, without I/O: request bytes in, request head and body
/// pieces out; response heads and chunk framing written to an <see cref="IBufferWriter{T}"/>. Whoever owns
/// the socket feeds it and writes what it produces. Not thread-safe: one connection, one caller at a time.
/// </summary>
/// <remarks>CONTRACT ONLY (being implemented under issue 2); the signatures are what the server codes against.</remarks>
public sealed partial class Http1Connection : IDisposable
{
    /// <summary>Creates the state for one connection. <paramref name="timeProvider"/> supplies the Date header.</summary>
    public Http1Connection(HttpLimits limits, TimeProvider? timeProvider = null)
    {
        Limits = limits;
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The limits this connection enforces.</summary>
    public HttpLimits Limits { get; }

    /// <summary>The clock for the Date header.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The head of the current request; valid from a Complete <see cref="TryReadRequestHead"/> until <see cref="ResetForNextRequest"/>.</summary>
    public RequestHead Head { get; } = new();

    /// <summary>True while bytes of a request have been received and its response is not complete:
    /// the server uses it to tell an idle keep-alive connection (may be closed) from a busy one.</summary>
    public bool IsRequestInProgress => throw new NotImplementedException();

    /// <summary>After the response head is written: whether the connection stays open for another request.</summary>
    public bool KeepAlive => throw new NotImplementedException();

    /// <summary>Parses as much of the next request head as <paramref name="input"/> holds, advancing it past
    /// what was consumed. On Complete, <see cref="Head"/> is filled and body framing is known.
    /// Throws <see cref="HttpProtocolException"/> on bad input.</summary>
    public ParseStatus TryReadRequestHead(ref SequenceReader<byte> input) => throw new NotImplementedException();

    /// <summary>Reads the next piece of the body. <paramref name="data"/> is a slice of the input, valid
    /// until the caller releases that input; the reader is advanced past it (and past chunk framing).</summary>
    public BodyReadStatus TryReadBody(ref SequenceReader<byte> input, out ReadOnlySequence<byte> data) => throw new NotImplementedException();

    /// <summary>The transport reached end of input. Returns normally when the connection was between
    /// requests; throws <see cref="HttpProtocolException"/> (UnexpectedEndOfInput) mid-request.</summary>
    public void OnInputEnded() => throw new NotImplementedException();

    /// <summary>Writes <c>HTTP/1.1 100 Continue</c>. Call at most once per request, before reading its body.</summary>
    public void WriteContinue(IBufferWriter<byte> output) => throw new NotImplementedException();

    /// <summary>Writes the status line and header section: the given fields plus Date, Server, framing
    /// (Content-Length, or chunked for an unknown length on HTTP/1.1) and Connection. Decides
    /// <see cref="KeepAlive"/>. For HEAD, 1xx, 204 and 304 the returned framing is None.</summary>
    public ResponseFraming WriteResponseHead(IBufferWriter<byte> output, int status, ResponseHeaders headers, long? contentLength, bool close = false)
        => throw new NotImplementedException();

    /// <summary>Writes one chunk (size line, data, CRLF). Empty data writes nothing.</summary>
    public static void WriteChunk(IBufferWriter<byte> output, ReadOnlySpan<byte> data) => throw new NotImplementedException();

    /// <summary>Writes the last chunk and the empty trailer section.</summary>
    public static void WriteFinalChunk(IBufferWriter<byte> output) => throw new NotImplementedException();

    /// <summary>Writes a complete short response for a rejected request, with <c>Connection: close</c>.</summary>
    public void WriteRejection(IBufferWriter<byte> output, HttpProtocolException error) => throw new NotImplementedException();

    /// <summary>Moves on to the next request once the response is complete and the body fully read.</summary>
    public void ResetForNextRequest() => throw new NotImplementedException();

    public void Dispose() => Head.Dispose();
}
