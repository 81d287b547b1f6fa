// The three outcomes of feeding bytes to the PROXY header parser.
namespace Skein.Http.Proxy;

/// <summary>Result of <see cref="ProxyHeaderParser.TryParse"/>.</summary>
public enum ProxyParseStatus : byte
{
    /// <summary>The bytes so far are the start of a valid header: feed more.</summary>
    NeedMoreData,

    /// <summary>A whole header was read; the bytes after it are the proxied stream.</summary>
    Complete,

    /// <summary>Not a PROXY header (missing, malformed, too long, or an unsupported kind): close the connection.</summary>
    Rejected,
}
