// The HTTP versions the core speaks. Parsing the version token is in Parsing/RequestLineParser.cs.
namespace Skein.Http;

/// <summary>The HTTP versions the core accepts. Anything else well formed is 505.</summary>
public enum ProtocolVersion : byte
{
    Http10,
    Http11,
}
