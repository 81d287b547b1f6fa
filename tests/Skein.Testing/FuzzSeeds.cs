// The starting inputs of the fuzz targets: the project's own corpus (HttpCases) and the examples of the RFCs,
// in each target's input format. Written to a folder by `Skein.Fuzz seeds`; afl++ mutates from there.
using System.Text;

namespace Skein.Testing;

/// <summary>Seed inputs per fuzz target, as (file name, bytes).</summary>
public static class FuzzSeeds
{
    // Settings bytes (see FuzzTargets): default limits fed whole-then-cut-at-the-start, small limits, a middle cut.
    private static readonly byte[] Settings = [0x00, 0x01, 0x80];

    // Inputs larger than this teach afl++ nothing a small one does not, and slow every execution.
    private const int MaxSeedBytes = 2048;

    // RFC 9112 §3.2 (the four target forms), RFC 9110 §9.3.6 and the classic RFC 7230 §2.1 example.
    private static readonly string[] RfcRequests =
    [
        "GET /hello.txt HTTP/1.1\r\nUser-Agent: curl/7.64.1\r\nHost: www.example.com\r\nAccept-Language: en, mi\r\n\r\n",
        "GET /where?q=now HTTP/1.1\r\nHost: www.example.org\r\n\r\n",
        "GET http://www.example.org/pub/WWW/TheProject.html HTTP/1.1\r\nHost: www.example.org\r\n\r\n",
        "CONNECT www.example.com:80 HTTP/1.1\r\nHost: www.example.com:80\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: www.example.org:8001\r\n\r\n",
        "CONNECT server.example.com:80 HTTP/1.1\r\nHost: server.example.com\r\n\r\n",
    ];

    // Chunked bodies: sizes in both cases, extensions (RFC 9112 §7.1.1), trailers (§7.1.2), and a pipelined request after.
    private static readonly string[] ChunkedBodies =
    [
        "4\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\n",
        "1a;ext=\"quoted;value\"\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nExpires: Wed, 21 Oct 2015 07:28:00 GMT\r\n\r\n",
        "0\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n",
        "3 ; a=b\r\nabc\r\n0;last\r\nX-Checksum: 1\r\nX-Other:\tv\r\n\r\n",
    ];

    // RFC 3986 §5.4's reference resolution examples, as the absolute paths a server receives, plus encoded dots.
    private static readonly string[] Paths =
    [
        "/b/c/d;p?q", "/a/b/c/./../../g", "/b/c/g/.", "/b/c/..", "/b/c/../g", "/b/c/../../g", "/b/c/../../../g",
        "/b/c/g.", "/b/c/.g", "/b/c/g..", "/b/c/..g", "/b/c/./../g", "/b/c/./g/.", "/b/c/g/./h", "/b/c/g/../h",
        "/b/c/g;x=1/./y", "/b/c/g;x=1/../y", "/%2e%2E/x", "/a/.%2e/b", "/a%2fb/..", "/a//../b", "/%252e%252e/",
    ];

    /// <summary>The seeds of <paramref name="target"/> (a name of <see cref="FuzzTargets.For"/>).</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> For(string target) => target switch
    {
        "request" => WithSettings(HttpCases.Valid.Select(c => (Label(c.Label), c.Raw))
            .Concat(HttpCases.Invalid.Select(c => (Label(c.Label), c.Raw)))
            .Concat(RfcRequests.Select((raw, i) => ($"rfc-{i}", raw)))),
        "chunked" => WithSettings(ChunkedBodies.Select((raw, i) => ($"chunked-{i}", raw))
            .Concat(HttpCases.Valid.Where(c => c.Raw.Contains("chunked", StringComparison.Ordinal))
                .Select(c => (Label(c.Label), c.Raw[(c.Raw.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..])))),
        "path" => Paths.Select((path, i) => ($"rfc3986-{i}", Encoding.Latin1.GetBytes(path))),
        "proxy" => ProxyCases.ValidCases.Select(c => (Label(c.Label), (byte[])[.. c.Bytes, .. "GET / HTTP/1.1\r\n"u8]))
            .Concat(ProxyCases.InvalidCases.Select(c => (Label(c.Label), c.Bytes))),
        _ => throw new ArgumentException($"Unknown fuzz target '{target}'.", nameof(target)),
    };

    private static IEnumerable<(string, byte[])> WithSettings(IEnumerable<(string Name, string Raw)> cases)
    {
        foreach (var (name, raw) in cases)
        {
            var bytes = HttpCases.Bytes(raw);
            if (bytes.Length > MaxSeedBytes)
            {
                continue;
            }
            foreach (var settings in Settings)
            {
                yield return ($"{name}-{settings:x2}", [settings, .. bytes]);
            }
        }
    }

    private static string Label(string label)
    {
        var name = new StringBuilder();
        foreach (var c in label)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-');
        }
        return name.ToString();
    }
}
