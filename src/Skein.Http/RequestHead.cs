// The public, parsed view of one request head (method, version, framing, persistence); its storage half is RequestHead.Fields.cs.
namespace Skein.Http;

/// <summary>
/// The parsed head of one request, as spans over a buffer the owning <see cref="Http1Connection"/> keeps
/// and reuses: nothing is allocated while parsing, and nothing here is valid after the connection moves on
/// to the next request (<see cref="Http1Connection.ResetForNextRequest"/>). Copy what you need to keep.
/// </summary>
public sealed partial class RequestHead
{
    /// <summary>The method.</summary>
    public RequestMethod Method { get; internal set; }

    /// <summary>The protocol version of the request line.</summary>
    public ProtocolVersion Version { get; internal set; }

    /// <summary>Which of the four forms the target has.</summary>
    public TargetForm TargetForm { get; internal set; }

    /// <summary>How the body is delimited.</summary>
    public BodyFraming BodyFraming { get; internal set; }

    /// <summary>The Content-Length when <see cref="BodyFraming"/> is <see cref="BodyFraming.ContentLength"/>, else -1.</summary>
    public long ContentLength { get; internal set; } = -1;

    /// <summary>True when the request asks the connection to stay open: HTTP/1.1 without
    /// <c>Connection: close</c>, or HTTP/1.0 with <c>Connection: keep-alive</c> (RFC 9112 §9.3).</summary>
    public bool KeepAliveRequested { get; internal set; }

    /// <summary>True for <c>Expect: 100-continue</c> on an HTTP/1.1 request with a body (RFC 9110 §10.1.1).</summary>
    public bool ExpectContinue { get; internal set; }
}
