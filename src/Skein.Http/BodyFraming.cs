// How a request body is delimited, as the core decided it from the head. Responses use ResponseFraming.
namespace Skein.Http;

/// <summary>How a request body is delimited (RFC 9112 §6.3). Requests have no close-delimited form.</summary>
public enum BodyFraming : byte
{
    /// <summary>No body.</summary>
    None,
    /// <summary>Exactly Content-Length bytes.</summary>
    ContentLength,
    /// <summary>Chunked transfer coding, ended by a zero-size chunk and optional trailers.</summary>
    Chunked,
}
