// One routing rule: a path (exact or prefix), the methods it accepts, and its endpoint. Immutable.
using System.Text;
using Skein.Http;

namespace Skein.App.Routing;

/// <summary>A path (compared byte for byte with the request path: dot segments removed, still encoded) and the methods it serves.</summary>
internal sealed class Route
{
    public Route(string path, bool isPrefix, IReadOnlyCollection<RequestMethod> methods, Endpoint endpoint)
    {
        Path = Encoding.ASCII.GetBytes(path);
        IsPrefix = isPrefix;
        Handler = endpoint;
        foreach (var method in methods)
        {
            MethodMask |= 1 << (int)method;
        }
        // RFC 9110 §9.3.2: HEAD is GET without content; serve it wherever GET is served.
        if ((MethodMask & (1 << (int)RequestMethod.Get)) != 0)
        {
            MethodMask |= 1 << (int)RequestMethod.Head;
        }
    }

    public byte[] Path { get; }

    public bool IsPrefix { get; }

    public int MethodMask { get; }

    public Endpoint Handler { get; }

    public bool Matches(ReadOnlySpan<byte> path) => IsPrefix ? path.StartsWith(Path) : path.SequenceEqual(Path);

    public bool Allows(RequestMethod method) => (MethodMask & (1 << (int)method)) != 0;
}
