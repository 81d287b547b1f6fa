using System.Net;
using System.Text;

namespace Skein.Http.Application;

/// <summary>
/// What a handler sees of a request. Strings are made on first use from the parsed head, which stays
/// valid until the handler's response is written; the body is a stream the server fills as the handler
/// reads it (sending <c>100 Continue</c> on first read when the client asked for it).
/// </summary>
public sealed class HttpRequest
{
    private string? _target;
    private string? _path;
    private string? _query;
    private string? _remoteAddress;

    /// <summary>Creates the view of <paramref name="head"/> with <paramref name="body"/> as its body.</summary>
    public HttpRequest(RequestHead head, Stream body, long connectionId = 0, IPEndPoint? remoteEndPoint = null)
    {
        Head = head;
        Body = body;
        ConnectionId = connectionId;
        RemoteEndPoint = remoteEndPoint;
    }

    /// <summary>The parsed head, as spans: for handlers that want to avoid allocating.</summary>
    public RequestHead Head { get; }

    /// <summary>The method.</summary>
    public RequestMethod Method => Head.Method;

    /// <summary>The method as its token ("GET").</summary>
    public string MethodName => MethodNames.Of(Head.Method);

    /// <summary>The version of the request line.</summary>
    public ProtocolVersion Version => Head.Version;

    /// <summary>The request-target exactly as sent.</summary>
    public string Target => _target ??= Encoding.Latin1.GetString(Head.Target);

    /// <summary>The path without dot segments ("/a/../b%20c" is "/b%20c", RFC 3986 §5.2.4), still percent-encoded.
    /// Decode it exactly once, where it is used.</summary>
    public string Path => _path ??= Encoding.Latin1.GetString(Head.Path);

    /// <summary>The query without '?', or empty.</summary>
    public string QueryString => _query ??= Head.HasQuery ? Encoding.Latin1.GetString(Head.Query) : string.Empty;

    /// <summary>The Host the client asked for.</summary>
    public string Host => Encoding.Latin1.GetString(Head.Host);

    /// <summary>The first value of header <paramref name="name"/> (case-insensitive), or null.</summary>
    public string? GetHeader(string name) => Head.GetHeaderString(name);

    /// <summary>The declared body length, or null when chunked or absent.</summary>
    public long? ContentLength => Head.BodyFraming == BodyFraming.ContentLength ? Head.ContentLength : null;

    /// <summary>True when the request has a body (Content-Length &gt; 0 or chunked).</summary>
    public bool HasBody => Head.BodyFraming == BodyFraming.Chunked || Head.ContentLength > 0;

    /// <summary>The body. Reads return 0 at its end; reading past a limit throws <see cref="HttpProtocolException"/>.</summary>
    public Stream Body { get; }

    /// <summary>The server's id of the connection (as in the verbose log).</summary>
    public long ConnectionId { get; }

    /// <summary>The client's address and port, when known: with the PROXY protocol, the client the proxy
    /// names, not the proxy.</summary>
    public IPEndPoint? RemoteEndPoint { get; }

    /// <summary><see cref="RemoteEndPoint"/> as text ("127.0.0.1:50000"), made on first use.</summary>
    public string? RemoteAddress => _remoteAddress ??= RemoteEndPoint?.ToString();
}
