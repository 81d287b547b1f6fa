// The shared corpus of HTTP/1.x requests: valid ones with what the server must make of them, and invalid
// ones, one labelled row each, with the status the server must answer (picohttpparser / Kestrel's
// HttpParsingData style). The core's unit tests and the loopback socket tests both run it; it contains
// no test logic itself.
using Xunit;

namespace Skein.Testing;

/// <summary>A well-formed request and what parsing it must yield.</summary>
/// <param name="Label">What the case shows.</param>
/// <param name="Raw">The bytes on the wire (Latin-1), head and body.</param>
/// <param name="Method">The method token.</param>
/// <param name="Target">The request-target exactly as sent.</param>
/// <param name="Path">The path part (still percent-encoded).</param>
/// <param name="Query">The query without '?', or null when there is no '?'.</param>
/// <param name="Host">The host the server must use (Host field, or the authority of an absolute-form target).</param>
/// <param name="Http11">True for HTTP/1.1, false for HTTP/1.0.</param>
/// <param name="Body">The decoded body.</param>
/// <param name="KeepAlive">Whether the client asked to keep the connection.</param>
/// <param name="ExpectContinue">Whether the client waits for 100 Continue.</param>
public sealed record ValidRequest(
    string Label, string Raw, string Method, string Target, string Path, string? Query, string Host,
    bool Http11 = true, string Body = "", bool KeepAlive = true, bool ExpectContinue = false)
{
    /// <inheritdoc/>
    public override string ToString() => Label;
}

/// <summary>The corpora.</summary>
public static class HttpCases
{
    /// <summary>A Chrome-like GET of about 500 bytes, as a browser sends it.</summary>
    public const string BrowserGet =
        "GET /docs/index.html?lang=en HTTP/1.1\r\n" +
        "Host: 127.0.0.1:8085\r\n" +
        "Connection: keep-alive\r\n" +
        "sec-ch-ua: \"Chromium\";v=\"130\", \"Google Chrome\";v=\"130\", \"Not?A_Brand\";v=\"99\"\r\n" +
        "sec-ch-ua-mobile: ?0\r\n" +
        "sec-ch-ua-platform: \"Linux\"\r\n" +
        "Upgrade-Insecure-Requests: 1\r\n" +
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36\r\n" +
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8\r\n" +
        "Sec-Fetch-Site: none\r\n" +
        "Sec-Fetch-Mode: navigate\r\n" +
        "Sec-Fetch-User: ?1\r\n" +
        "Sec-Fetch-Dest: document\r\n" +
        "Accept-Encoding: gzip, deflate, br, zstd\r\n" +
        "Accept-Language: en-US,en;q=0.9\r\n" +
        "\r\n";

    /// <summary>Well-formed requests, each a complete message (head and body).</summary>
    public static IReadOnlyList<ValidRequest> Valid { get; } =
    [
        new("simple GET", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", "GET", "/", "/", null, "a"),
        new("browser GET", BrowserGet, "GET", "/docs/index.html?lang=en", "/docs/index.html", "lang=en", "127.0.0.1:8085"),
        new("query and empty query", "GET /p?a=1&b=%20 HTTP/1.1\r\nHost: h\r\n\r\n", "GET", "/p?a=1&b=%20", "/p", "a=1&b=%20", "h"),
        new("empty query", "GET /p? HTTP/1.1\r\nHost: h\r\n\r\n", "GET", "/p?", "/p", "", "h"),
        new("HTTP/1.0 without Host closes", "GET /x HTTP/1.0\r\n\r\n", "GET", "/x", "/x", null, "", Http11: false, KeepAlive: false),
        new("HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\nHost: h\r\n\r\n", "GET", "/", "/", null, "h", Http11: false),
        new("HTTP/1.1 Connection: close", "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", "GET", "/", "/", null, "h", KeepAlive: false),
        new("Connection list with close", "GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, CLOSE\r\n\r\n", "GET", "/", "/", null, "h", KeepAlive: false),
        new("HEAD", "HEAD /f HTTP/1.1\r\nHost: h\r\n\r\n", "HEAD", "/f", "/f", null, "h"),
        new("Content-Length body", "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello", "POST", "/echo", "/echo", null, "h", Body: "hello"),
        new("Content-Length zero", "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", "POST", "/echo", "/echo", null, "h"),
        new("identical Content-Length list", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\nabc", "POST", "/", "/", null, "h", Body: "abc"),
        new("identical Content-Length fields", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", "POST", "/", "/", null, "h", Body: "abc"),
        new("chunked body", "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "POST", "/echo", "/echo", null, "h", Body: "hello world"),
        new("chunked, upper-case hex", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n", "POST", "/", "/", null, "h", Body: "0123456789"),
        new("chunk extensions and trailers", "PUT /u HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;name=value;x=\"q\"\r\nabc\r\n0;end\r\nChecksum: 123\r\nX-T: a b\r\n\r\n", "PUT", "/u", "/u", null, "h", Body: "abc"),
        new("empty chunked body", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "POST", "/", "/", null, "h"),
        new("Expect: 100-continue", "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi", "POST", "/", "/", null, "h", Body: "hi", ExpectContinue: true),
        new("absolute-form takes the authority", "GET http://example.com:8080/a/b?c HTTP/1.1\r\nHost: other\r\n\r\n", "GET", "http://example.com:8080/a/b?c", "/a/b", "c", "example.com:8080"),
        new("absolute-form without path", "GET HTTP://Example.com HTTP/1.1\r\nHost: x\r\n\r\n", "GET", "HTTP://Example.com", "/", null, "Example.com"),
        new("absolute-form https, query only", "GET https://h?q=1 HTTP/1.1\r\nHost: h\r\n\r\n", "GET", "https://h?q=1", "/", "q=1", "h"),
        new("OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", "OPTIONS", "*", "*", null, "h"),
        new("CONNECT authority-form", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", "CONNECT", "example.com:443", "", null, "example.com:443"),
        new("empty Host is allowed", "GET / HTTP/1.1\r\nHost:\r\n\r\n", "GET", "/", "/", null, ""),
        new("OWS around values", "GET / HTTP/1.1\r\nHost: \t h \t\r\nX-Empty:\r\nX-Tab:\tv\r\n\r\n", "GET", "/", "/", null, "h"),
        new("obs-text in a value", "GET / HTTP/1.1\r\nHost: h\r\nX-Latin: caf\u00e9\r\n\r\n", "GET", "/", "/", null, "h"),
        new("leading empty line ignored", "\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", "GET", "/", "/", null, "h"),
        new("IPv6 host", "GET / HTTP/1.1\r\nHost: [::1]:8085\r\n\r\n", "GET", "/", "/", null, "[::1]:8085"),
        new("every method", "DELETE /d HTTP/1.1\r\nHost: h\r\n\r\n", "DELETE", "/d", "/d", null, "h"),
        new("PATCH", "PATCH /d HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx", "PATCH", "/d", "/d", null, "h", Body: "x"),
        new("TRACE", "TRACE / HTTP/1.1\r\nHost: h\r\n\r\n", "TRACE", "/", "/", null, "h"),
        new("dot segments removed from the path", "GET /sub/../page.html?x=/../ HTTP/1.1\r\nHost: h\r\n\r\n", "GET", "/sub/../page.html?x=/../", "/page.html", "x=/../", "h"),
        new("encoded dot segments removed", "GET /a/./b/%2E%2e/c%2e/ HTTP/1.1\r\nHost: h\r\n\r\n", "GET", "/a/./b/%2E%2e/c%2e/", "/a/c%2e/", null, "h"),
        new("absolute-form path loses dot segments", "GET http://h/a/b/.. HTTP/1.1\r\nHost: h\r\n\r\n", "GET", "http://h/a/b/..", "/a/", null, "h"),
        new("Transfer-Encoding list ending in chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: ,chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n", "POST", "/", "/", null, "h", Body: "z"),
    ];

    /// <summary>Requests the server must refuse: (label, raw bytes as Latin-1, status). After each the
    /// connection closes; the server keeps serving other clients. Errors in a chunked body are only found
    /// when something reads the body, so those rows target <c>/echo</c>, which does (a handler that answers
    /// without reading would have its response sent first, and the connection closed while draining).</summary>
    public static IReadOnlyList<(string Label, string Raw, int Status)> Invalid { get; } =
    [
        ("no version (HTTP/0.9)", "GET /\r\n\r\n", 400),
        ("lower-case version", "GET / http/1.1\r\nHost: h\r\n\r\n", 400),
        ("two spaces after method", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("trailing space after version", "GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400),
        ("tab as separator", "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("NUL in method", "G\0T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("NUL in target", "GET /a\0b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("bare CR in request line", "GET /a\rb HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("bare LF line ending", "GET / HTTP/1.1\nHost: h\n\n", 400),
        ("non-token method", "GE(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("non-ASCII in target", "GET /caf\u00e9 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("relative target", "GET index.html HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("dot segments above the root", "GET /a/../../x HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("encoded dot segment above the root", "GET /%2e%2E/x HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("asterisk with GET", "GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("CONNECT without port", "CONNECT example.com HTTP/1.1\r\nHost: example.com\r\n\r\n", 400),
        ("CONNECT with origin-form", "CONNECT / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("absolute-form with userinfo", "GET http://user@h/ HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("absolute-form with empty host", "GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("missing Host in 1.1", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400),
        ("two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("invalid Host value", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
        ("Host with a slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
        ("space before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400),
        ("tab before colon", "GET / HTTP/1.1\r\nHost: h\r\nAccept\t: */*\r\n\r\n", 400),
        ("obs-fold", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n  folded\r\n\r\n", 400),
        ("whitespace before first field", "GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400),
        ("field without colon", "GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", 400),
        ("empty field name", "GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n", 400),
        ("non-token field name", "GET / HTTP/1.1\r\nHost: h\r\nX(A): v\r\n\r\n", 400),
        ("NUL in field value", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\0b\r\n\r\n", 400),
        ("bare CR in field value", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\n\r\n", 400),
        ("control char in field value", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u0001b\r\n\r\n", 400),
        ("DEL in field value", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u007fb\r\n\r\n", 400),
        ("Content-Length with Transfer-Encoding", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("Transfer-Encoding with Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n", 400),
        ("differing Content-Length fields", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        ("differing Content-Length list", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\nabcd", 400),
        ("negative Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400),
        ("signed Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\nabc", 400),
        ("hex Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x3\r\n\r\nabc", 400),
        ("empty Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", 400),
        ("overflowing Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n", 400),
        ("chunked not final", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400),
        ("Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("bad chunk size", "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 400),
        ("empty chunk size", "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\r\nhello\r\n0\r\n\r\n", 400),
        ("negative chunk size", "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n", 400),
        ("overflowing chunk size", "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\nhello\r\n0\r\n\r\n", 400),
        ("chunk size with bare LF", "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", 400),
        ("chunk data longer than its size", "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n", 400),
        ("malformed trailer", "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer\r\n\r\n", 400),
        ("target too long", "GET /" + new string('a', 9000) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414),
        ("request line too long", "OPTIONS /" + new string('a', 8174) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414),
        ("header section too large", "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + new string('b', 33 * 1024) + "\r\n\r\n", 431),
        ("too many header fields", "GET / HTTP/1.1\r\nHost: h\r\n" + string.Concat(Enumerable.Range(0, 101).Select(i => $"X-{i}: v\r\n")) + "\r\n", 431),
        ("Content-Length over the body limit", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 30000001\r\n\r\n", 413),
        ("chunk over the body limit", "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1C9C381\r\nx\r\n", 413),
        ("unknown method", "BREW /pot HTTP/1.1\r\nHost: h\r\n\r\n", 501),
        ("lower-case method", "get / HTTP/1.1\r\nHost: h\r\n\r\n", 501),
        ("unknown transfer coding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("unknown coding before chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
        ("HTTP/2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
        ("HTTP/1.2", "GET / HTTP/1.2\r\nHost: h\r\n\r\n", 505),
        ("HTTP/0.9 version token", "GET / HTTP/0.9\r\nHost: h\r\n\r\n", 505),
    ];

    /// <summary>The labels of <see cref="Valid"/> as xunit theory rows (look a case up with <see cref="ValidCase"/>).</summary>
    public static TheoryData<string> ValidLabels => [.. Valid.Select(c => c.Label)];

    /// <summary>The valid case labelled <paramref name="label"/>.</summary>
    public static ValidRequest ValidCase(string label) => Valid.Single(c => c.Label == label);

    /// <summary>The wire bytes of a raw case (Latin-1, so "\u00e9" is the single byte 0xE9).</summary>
    public static byte[] Bytes(string raw) => System.Text.Encoding.Latin1.GetBytes(raw);

    /// <summary><see cref="Invalid"/> as xunit theory rows.</summary>
    public static TheoryData<string, string, int> InvalidData
    {
        get
        {
            var data = new TheoryData<string, string, int>();
            foreach (var (label, raw, status) in Invalid)
            {
                data.Add(label, raw, status);
            }
            return data;
        }
    }
}
