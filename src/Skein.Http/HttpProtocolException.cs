// The one exception the core throws for bad input; carries the RejectReason. Not for programming errors (those are InvalidOperationException).
namespace Skein.Http;

/// <summary>
/// Thrown by the core when the bytes it was given are not a request it can accept. The connection that
/// receives it answers once with <see cref="Status"/> and <c>Connection: close</c>, then closes: after a
/// framing error nothing further on that connection can be trusted.
/// </summary>
public sealed class HttpProtocolException : Exception
{
    public HttpProtocolException(RejectReason reason, string? detail = null)
        : base(detail is null ? reason.ToString() : $"{reason}: {detail}")
    {
        Reason = reason;
    }

    public HttpProtocolException() : this(RejectReason.MalformedRequestLine) { }

    public HttpProtocolException(string message) : this(RejectReason.MalformedRequestLine, message) { }

    public HttpProtocolException(string message, Exception innerException) : base(message, innerException)
    {
        Reason = RejectReason.MalformedRequestLine;
    }

    /// <summary>Why the request was refused.</summary>
    public RejectReason Reason { get; }

    /// <summary>The status code to answer with.</summary>
    public int Status => RejectReasons.StatusFor(Reason);
}
