// Request-line rules that the corpus does not spell out one by one: the reason each rejection carries
// (RFC 9112 §3), and how targets split into path and query.
using Skein.Testing;

namespace Skein.Http.Tests.Parsing;

public sealed class RequestLineParserTests
{
    private static RejectReason Reject(string raw)
    {
        using var feeder = new Feeder();
        return Assert.Throws<HttpProtocolException>(() => feeder.Feed(HttpCases.Bytes(raw))).Reason;
    }

    [Theory]
    [InlineData("GET / HTTP/1.1 extra\r\n", RejectReason.MalformedRequestLine)]
    [InlineData(" GET / HTTP/1.1\r\n", RejectReason.MalformedRequestLine)]
    [InlineData("GET / HTTP/11\r\n", RejectReason.MalformedRequestLine)]
    [InlineData("GET / HTTP/3.0\r\n", RejectReason.UnsupportedVersion)]
    [InlineData("FOO / HTTP/1.1\r\n", RejectReason.UnknownMethod)]
    [InlineData("GET /\u0000 HTTP/1.1\r\n", RejectReason.InvalidCharacter)]
    [InlineData("GET ftp://h/ HTTP/1.1\r\n", RejectReason.InvalidRequestTarget)]
    [InlineData("CONNECT h:port HTTP/1.1\r\n", RejectReason.InvalidRequestTarget)]
    [InlineData("OPTIONS ** HTTP/1.1\r\n", RejectReason.InvalidRequestTarget)]
    public void Each_malformed_line_gets_its_reason(string line, RejectReason reason) => Assert.Equal(reason, Reject(line));

    [Fact]
    public void Version_is_checked_before_the_method()
    {
        // A client speaking another protocol version learns that first (505), whatever its method.
        Assert.Equal(RejectReason.UnsupportedVersion, Reject("BREW / HTTP/2.0\r\n"));
    }

    [Theory]
    [InlineData("/a/b?x=1?y", "/a/b", "x=1?y")]
    [InlineData("/?", "/", "")]
    [InlineData("/a%2Fb", "/a%2Fb", null)]
    [InlineData("http://h:1/p?q", "/p", "q")]
    [InlineData("http://h:1", "/", null)]
    public void Target_splits_into_path_and_query_at_the_first_question_mark(string target, string path, string? query)
    {
        using var feeder = new Feeder { AnswerAndContinue = false };
        feeder.Feed(HttpCases.Bytes($"GET {target} HTTP/1.1\r\nHost: h\r\n\r\n"));
        var request = Assert.Single(feeder.Requests);
        Assert.Equal(path, request.Path);
        Assert.Equal(query, request.Query);
        Assert.Equal(target, request.Target);
    }

    [Theory]
    [InlineData("/sub/../page.html", "/page.html")]
    [InlineData("/a/./b/%2e%2E/c?x=/../", "/a/c")]
    [InlineData("http://h/a/b/.", "/a/b/")]
    [InlineData("/x/..", "/")]
    public void Path_has_its_dot_segments_removed_and_the_target_is_kept(string target, string path)
    {
        using var feeder = new Feeder { AnswerAndContinue = false };
        feeder.Feed(HttpCases.Bytes($"GET {target} HTTP/1.1\r\nHost: h\r\n\r\n"));
        var request = Assert.Single(feeder.Requests);
        Assert.Equal(path, request.Path);
        Assert.Equal(target, request.Target);
    }

    [Theory]
    [InlineData("GET /.. HTTP/1.1\r\n")]
    [InlineData("GET /a/../../b HTTP/1.1\r\n")]
    [InlineData("GET /%2E%2E/b HTTP/1.1\r\n")]
    [InlineData("GET http://h/../b HTTP/1.1\r\n")]
    [InlineData("OPTIONS /a/./../.. HTTP/1.1\r\n")]
    public void A_path_above_the_root_is_refused_with_400(string line)
    {
        Assert.Equal(RejectReason.PathAboveRoot, Reject(line));
        Assert.Equal(400, new HttpProtocolException(RejectReason.PathAboveRoot).Status);
    }

    [Fact]
    public void A_long_path_with_dot_segments_survives_the_head_buffer_growing()
    {
        // The removed form is stored after the line; a 3 KiB path makes the head's buffer grow for it.
        var deep = string.Concat(Enumerable.Repeat("/segment", 400));
        using var feeder = new Feeder { AnswerAndContinue = false };
        feeder.Feed(HttpCases.Bytes($"GET {deep}/../x HTTP/1.1\r\nHost: h\r\nX-After: kept\r\n\r\n"));
        var request = Assert.Single(feeder.Requests);
        Assert.Equal(string.Concat(Enumerable.Repeat("/segment", 399)) + "/x", request.Path);
        Assert.Equal("Host: h\nX-After: kept\n", request.Headers);
    }
}
