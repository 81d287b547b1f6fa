// How a response body must be written, as WriteResponseHead decided it. Request bodies use BodyFraming.
namespace Skein.Http;

/// <summary>How <see cref="Http1Connection.WriteResponseHead"/> framed the response body (RFC 9112 §6.3).</summary>
public enum ResponseFraming : byte
{
    /// <summary>No body may follow: HEAD, 1xx, 204 or 304. Write nothing after the head.</summary>
    None,
    /// <summary>Exactly the declared Content-Length bytes follow.</summary>
    ContentLength,
    /// <summary>Write the body with <see cref="Http1Connection.WriteChunk"/>, end with <see cref="Http1Connection.WriteFinalChunk"/>.</summary>
    Chunked,
    /// <summary>HTTP/1.0 with unknown length: the body ends when the connection closes.</summary>
    CloseDelimited,
}
