// The four forms of request-target (RFC 9112 §3.2). Recognising them is in Parsing/RequestLineParser.cs.
namespace Skein.Http;

/// <summary>RFC 9112 §3.2: the four forms of request-target.</summary>
public enum TargetForm : byte
{
    /// <summary><c>/path?query</c></summary>
    Origin,
    /// <summary><c>http://host/path?query</c> (proxies send it; servers must accept it).</summary>
    Absolute,
    /// <summary><c>host:port</c>, only with CONNECT.</summary>
    Authority,
    /// <summary><c>*</c>, only with OPTIONS.</summary>
    Asterisk,
}
