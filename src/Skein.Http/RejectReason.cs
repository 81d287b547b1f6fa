// Every way the core refuses a request, and the one switch that maps each to a status code.
namespace Skein.Http;

/// <summary>Every way the core refuses a request. <see cref="RejectReasons.StatusFor"/> maps each to its status.</summary>
public enum RejectReason
{
    /// <summary>Request line is not <c>method SP target SP version CRLF</c>.</summary>
    MalformedRequestLine,
    /// <summary>The method token is well formed but not one this server implements.</summary>
    UnknownMethod,
    /// <summary>The request target is not origin-, absolute-, authority- or asterisk-form, or does not fit the method.</summary>
    InvalidRequestTarget,
    /// <summary>A path whose ".." segments climb above the root ("/../x", "/a/%2e%2e/.."). RFC 3986 §5.2.4 would
    /// stop at the root; nginx refuses with 400, and so does Skein: no browser sends one, it is a probe.</summary>
    PathAboveRoot,
    /// <summary>The request target is longer than <see cref="HttpLimits.MaxRequestTargetBytes"/>.</summary>
    RequestTargetTooLong,
    /// <summary>The request line is longer than <see cref="HttpLimits.MaxRequestLineBytes"/> (the target fit).</summary>
    RequestLineTooLong,
    /// <summary>HTTP version other than 1.0 and 1.1 (well formed, e.g. HTTP/2.0 or HTTP/1.2).</summary>
    UnsupportedVersion,
    /// <summary>A field line that is not <c>token ":" OWS value OWS</c>.</summary>
    MalformedHeader,
    /// <summary>Whitespace between the field name and the colon (RFC 9112 §5.1).</summary>
    WhitespaceBeforeColon,
    /// <summary>obs-fold: a field line starting with whitespace (RFC 9112 §5.2).</summary>
    ObsoleteLineFolding,
    /// <summary>NUL, bare CR or another control character in a field value or the request line.</summary>
    InvalidCharacter,
    /// <summary>The header section is larger than <see cref="HttpLimits.MaxHeaderBytes"/>.</summary>
    HeadersTooLarge,
    /// <summary>More than <see cref="HttpLimits.MaxHeaderCount"/> fields.</summary>
    TooManyHeaders,
    /// <summary>HTTP/1.1 request without Host (RFC 9112 §3.2).</summary>
    MissingHost,
    /// <summary>More than one Host field, or a Host value that is not a valid authority.</summary>
    InvalidHost,
    /// <summary>Content-Length and Transfer-Encoding together (RFC 9112 §6.3: request smuggling).</summary>
    ContentLengthWithTransferEncoding,
    /// <summary>Content-Length that is not a decimal number, or several that differ.</summary>
    InvalidContentLength,
    /// <summary>A transfer coding other than a final <c>chunked</c> (RFC 9112 §6.1, §7).</summary>
    UnknownTransferCoding,
    /// <summary>Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1: framing cannot be trusted).</summary>
    TransferEncodingInHttp10,
    /// <summary>A chunk-size line that is not hex, overflows, or lacks its CRLF; or chunk data not followed by CRLF.</summary>
    InvalidChunk,
    /// <summary>A malformed trailer field.</summary>
    InvalidTrailer,
    /// <summary>The body is larger than <see cref="HttpLimits.MaxBodyBytes"/>.</summary>
    BodyTooLarge,
    /// <summary>The connection closed in the middle of a request head or body.</summary>
    UnexpectedEndOfInput,
    /// <summary>The request did not arrive in time: its head within the header timeout, or its body within the
    /// body timeout or at the minimum data rate. The server decides this (the core has no clock) and answers
    /// 408 before closing, as Kestrel does.</summary>
    RequestTimeout,
    /// <summary>Not the request's fault: the server refuses the connection because it is at capacity
    /// (connection limit, full thread-pool queue). Answered 503 without reading the request.</summary>
    ServiceUnavailable,
}

/// <summary>The one place a rejection becomes a status code.</summary>
public static class RejectReasons
{
    /// <summary>The response status for a rejected request.</summary>
    public static int StatusFor(RejectReason reason) => reason switch
    {
        RejectReason.RequestTargetTooLong => 414,                                      // URI Too Long
        RejectReason.RequestLineTooLong => 414,                                        // nginx and Kestrel both answer 414
        RejectReason.HeadersTooLarge or RejectReason.TooManyHeaders => 431,            // Request Header Fields Too Large
        RejectReason.BodyTooLarge => 413,                                              // Content Too Large
        RejectReason.UnknownMethod or RejectReason.UnknownTransferCoding => 501,       // Not Implemented
        RejectReason.UnsupportedVersion => 505,                                        // HTTP Version Not Supported
        RejectReason.RequestTimeout => 408,                                            // Request Timeout
        RejectReason.ServiceUnavailable => 503,                                        // Service Unavailable
        _ => 400,                                                                      // Bad Request
    };
}
