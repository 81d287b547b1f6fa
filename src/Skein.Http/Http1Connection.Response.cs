// The response half of Http1Connection: decides framing and persistence for each response (RFC 9112
// §6.3, §9.3; RFC 9110 §6.4.1, §8.6) and writes heads, chunk framing and rejections. It writes into an
// IBufferWriter the caller flushes; it does not send anything itself.
using System.Buffers;
using System.Text;
using Skein.Http.Writing;

namespace Skein.Http;

public sealed partial class Http1Connection
{
    private bool _keepAlive;
    private bool _responseHeadWritten;
    private bool _continueWritten;

    /// <summary>After the response head is written: whether the connection stays open for another request.</summary>
    /// <remarks>True only when the request asked for persistence (<see cref="RequestHead.KeepAliveRequested"/>),
    /// the response was not written with <c>close</c>, its length did not need the connection to close, and
    /// the input has not ended. False until the current request's final response head is written (so also
    /// right after <see cref="ResetForNextRequest"/>), and after any rejection.</remarks>
    public bool KeepAlive => _keepAlive;

    /// <summary>Writes <c>HTTP/1.1 100 Continue</c>. Call at most once per request, before reading its body.</summary>
    /// <remarks>Writes nothing when it would be wrong to send it: to an HTTP/1.0 client (RFC 9110 §15.2), a
    /// second time, or after the final response head.</remarks>
    public void WriteContinue(IBufferWriter<byte> output)
    {
        if (_continueWritten || _responseHeadWritten || !(_state is RequestState.Body or RequestState.Complete)
            || Head.Version != ProtocolVersion.Http11)
        {
            return;
        }
        _continueWritten = true;
        ResponseHeadWriter.WriteContinue(output);
    }

    /// <summary>Writes the status line and header section: the given fields plus Date, Server, framing
    /// (Content-Length, or chunked for an unknown length on HTTP/1.1) and Connection. Decides
    /// <see cref="KeepAlive"/>. For HEAD, 1xx, 204 and 304 the returned framing is None.</summary>
    /// <remarks>
    /// <para><paramref name="contentLength"/> is the length of the body the same request with GET would get
    /// (null when unknown). The rules: 204 and 304 get neither Content-Length nor Transfer-Encoding (RFC
    /// 9110 §8.6, RFC 9112 §6.3); HEAD gets the Content-Length when known and no body; an unknown length is
    /// chunked for HTTP/1.1 and close-delimited for HTTP/1.0, which ends persistence. Fields named
    /// Content-Length, Transfer-Encoding or Connection in <paramref name="headers"/> are ignored (the core
    /// owns framing); Date and Server are added unless <paramref name="headers"/> has them. The response
    /// says <c>Connection: close</c> whenever <see cref="KeepAlive"/> ends up false, and
    /// <c>Connection: keep-alive</c> to an HTTP/1.0 client whose connection persists.</para>
    /// <para>A 1xx status is an interim response: it is written as is (nothing to an HTTP/1.0 client) and a
    /// final one must follow. Otherwise one final head per request; a second throws
    /// <see cref="InvalidOperationException"/>. Without a parsed request (a server refusing a connection
    /// early), the response closes the connection.</para>
    /// </remarks>
    public ResponseFraming WriteResponseHead(IBufferWriter<byte> output, int status, ResponseHeaders headers, long? contentLength, bool close = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 999);
        if (contentLength is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(contentLength), "Content length cannot be negative.");
        }
        if (_responseHeadWritten)
        {
            throw new InvalidOperationException("A final response head was already written for this request.");
        }

        var haveRequest = _state is RequestState.Body or RequestState.Complete;
        if (status < 200)
        {
            if (haveRequest && Head.Version == ProtocolVersion.Http11)
            {
                ResponseHeadWriter.Write(output, status, headers, _date.Line, -1, chunked: false, ResponseHeadWriter.ConnectionField.None);
            }
            return ResponseFraming.None;
        }

        var keepAlive = haveRequest && Head.KeepAliveRequested && !close && !_inputEnded;
        var http11 = haveRequest && Head.Version == ProtocolVersion.Http11;
        ResponseFraming framing;
        long writtenLength = -1;
        if (status is 204 or 304)
        {
            framing = ResponseFraming.None;
        }
        else if (haveRequest && Head.Method == RequestMethod.Head)
        {
            // RFC 9110 §9.3.2 / §8.6: HEAD gets the fields GET would, including a known Content-Length.
            framing = ResponseFraming.None;
            writtenLength = contentLength ?? -1;
        }
        else if (contentLength is { } length)
        {
            framing = ResponseFraming.ContentLength;
            writtenLength = length;
        }
        else if (http11)
        {
            framing = ResponseFraming.Chunked;
        }
        else
        {
            // RFC 9112 §6.3 item 8: without a length and without chunked (HTTP/1.0), the body runs to close.
            framing = ResponseFraming.CloseDelimited;
            keepAlive = false;
        }

        var connectionField = !keepAlive
            ? ResponseHeadWriter.ConnectionField.Close
            : Head.Version == ProtocolVersion.Http10
                ? ResponseHeadWriter.ConnectionField.KeepAlive // RFC 9112 §9.3 / RFC 7230 §A.1.2: confirm it to 1.0 clients
                : ResponseHeadWriter.ConnectionField.None;

        ResponseHeadWriter.Write(output, status, headers, _date.Line, writtenLength, framing == ResponseFraming.Chunked, connectionField);
        _responseHeadWritten = true;
        _keepAlive = keepAlive;
        return framing;
    }

    /// <summary>Writes one chunk (size line, data, CRLF). Empty data writes nothing.</summary>
    public static void WriteChunk(IBufferWriter<byte> output, ReadOnlySpan<byte> data) => ChunkedEncoder.WriteChunk(output, data);

    /// <summary>Writes the last chunk and the empty trailer section.</summary>
    public static void WriteFinalChunk(IBufferWriter<byte> output) => ChunkedEncoder.WriteFinalChunk(output);

    /// <summary>Writes a complete short response for a rejected request, with <c>Connection: close</c>.</summary>
    /// <remarks>The body is one line of text/plain naming the status and the <see cref="RejectReason"/>
    /// (never the client's bytes); a HEAD request gets the head only. If a final response head was already
    /// written for the current request, nothing more can be said on this connection: this writes nothing,
    /// and the caller just closes. Afterwards <see cref="KeepAlive"/> is false and nothing more is read.</remarks>
    public void WriteRejection(IBufferWriter<byte> output, HttpProtocolException error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var isHead = _state is RequestState.Body or RequestState.Complete && Head.Method == RequestMethod.Head;
        var headWritten = _responseHeadWritten;
        Fail();
        if (headWritten)
        {
            return;
        }

        var status = error.Status;
        var text = $"{status} {StatusLines.ReasonPhrase(status)} ({error.Reason})\n";
        var headers = new ResponseHeaders().Add("Content-Type", "text/plain; charset=utf-8");
        ResponseHeadWriter.Write(output, status, headers, _date.Line, Encoding.ASCII.GetByteCount(text), chunked: false,
            ResponseHeadWriter.ConnectionField.Close);
        if (!isHead)
        {
            var body = output.GetSpan(text.Length);
            output.Advance(Encoding.ASCII.GetBytes(text, body));
        }
        _responseHeadWritten = true;
    }
}
