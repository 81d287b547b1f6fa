// The request methods Skein implements. Parsing the token is in Parsing/RequestLineParser.cs; names are in Application/MethodNames.cs.
namespace Skein.Http;

/// <summary>The methods Skein implements (RFC 9110 §9 plus PATCH). Any other token is answered with 501.</summary>
public enum RequestMethod : byte
{
    Get,
    Head,
    Post,
    Put,
    Delete,
    Options,
    Trace,
    Patch,
    Connect,
}
