// The outcomes of feeding bytes to the core. The third outcome, a rejection, is an HttpProtocolException.
namespace Skein.Http;

/// <summary>Result of feeding bytes to the core: a complete element, or a request for more bytes.
/// (The third outcome, a rejection, is an <see cref="HttpProtocolException"/>.)</summary>
public enum ParseStatus : byte
{
    NeedMoreData,
    Complete,
}

/// <summary>Result of <see cref="Http1Connection.TryReadBody"/>.</summary>
public enum BodyReadStatus : byte
{
    /// <summary>No body bytes are available yet; feed more input.</summary>
    NeedMoreData,
    /// <summary><c>data</c> holds the next body bytes.</summary>
    Data,
    /// <summary>The body is complete (trailers, if any, consumed).</summary>
    End,
}
