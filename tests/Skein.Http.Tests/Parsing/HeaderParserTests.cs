// Field-line rules (RFC 9112 §5, RFC 9110 §5.5) with the reason each rejection carries, and the framing
// and persistence the fields decide (RFC 9112 §6.3, §9.3).
using Skein.Testing;

namespace Skein.Http.Tests.Parsing;

public sealed class HeaderParserTests
{
    private static RejectReason Reject(string fields)
    {
        using var feeder = new Feeder();
        return Assert.Throws<HttpProtocolException>(() => feeder.Feed(HttpCases.Bytes("POST / HTTP/1.1\r\n" + fields + "\r\n"))).Reason;
    }

    private static ParsedRequest Parse(string version, string fields)
    {
        using var feeder = new Feeder { AnswerAndContinue = false };
        feeder.Feed(HttpCases.Bytes($"POST / {version}\r\n{fields}\r\n"));
        return Assert.Single(feeder.Requests);
    }

    [Theory]
    [InlineData("Host : h\r\n", RejectReason.WhitespaceBeforeColon)]
    [InlineData("Host: h\r\nX:\ty\r\n z\r\n", RejectReason.ObsoleteLineFolding)]
    [InlineData("Host: h\r\nX: a\rb\r\n", RejectReason.InvalidCharacter)]
    [InlineData("Host: h\r\nX\0: a\r\n", RejectReason.InvalidCharacter)]
    [InlineData("Host: h\r\nX\r\n", RejectReason.MalformedHeader)]
    [InlineData("Host: h\r\n@X: a\r\n", RejectReason.MalformedHeader)]
    [InlineData("Accept: */*\r\n", RejectReason.MissingHost)]
    [InlineData("Host: a\r\nhost: a\r\n", RejectReason.InvalidHost)]
    [InlineData("Host: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n", RejectReason.ContentLengthWithTransferEncoding)]
    [InlineData("Host: h\r\nContent-Length: 1, 2\r\n", RejectReason.InvalidContentLength)]
    [InlineData("Host: h\r\nContent-Length: 1 2\r\n", RejectReason.InvalidContentLength)]
    [InlineData("Host: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n", RejectReason.UnknownTransferCoding)]
    [InlineData("Host: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", RejectReason.MalformedHeader)]
    [InlineData("Host: h\r\nContent-Length: 30000001\r\n", RejectReason.BodyTooLarge)]
    public void Each_malformed_field_gets_its_reason(string fields, RejectReason reason) => Assert.Equal(reason, Reject(fields));

    [Fact]
    public void Transfer_encoding_in_HTTP_10_is_refused()
    {
        using var feeder = new Feeder();
        var error = Assert.Throws<HttpProtocolException>(() => feeder.Feed(HttpCases.Bytes("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n")));
        Assert.Equal(RejectReason.TransferEncodingInHttp10, error.Reason);
    }

    [Theory]
    [InlineData("HTTP/1.1", "Host: h\r\n", true)]
    [InlineData("HTTP/1.1", "Host: h\r\nConnection: keep-alive, close\r\n", false)]
    [InlineData("HTTP/1.1", "Host: h\r\nConnection: upgrade\r\nConnection: Close\r\n", false)]
    [InlineData("HTTP/1.0", "", false)]
    [InlineData("HTTP/1.0", "Connection: Keep-Alive\r\n", true)]
    [InlineData("HTTP/1.0", "Connection: keep-alive, close\r\n", false)]
    public void Persistence_follows_version_and_Connection(string version, string fields, bool keepAlive)
        => Assert.Equal(keepAlive, Parse(version, fields).KeepAlive);

    [Theory]
    [InlineData("Host: h\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n", true)]
    [InlineData("Host: h\r\nExpect: 100-continue\r\nContent-Length: 0\r\n", false)]
    [InlineData("Host: h\r\nExpect: 100-continue\r\n", false)]
    [InlineData("Host: h\r\nExpect: something-else\r\nContent-Length: 1\r\n", false)]
    public void Expect_continue_only_when_a_body_follows(string fields, bool expect)
    {
        using var feeder = new Feeder { AnswerAndContinue = false };
        feeder.Feed(HttpCases.Bytes("POST / HTTP/1.1\r\n" + fields + "\r\n"));
        Assert.Equal(expect, feeder.Connection.Head.ExpectContinue);
    }

    [Fact]
    public void Content_length_zero_means_no_body_to_read()
    {
        var request = Parse("HTTP/1.1", "Host: h\r\nContent-Length: 0\r\n");
        Assert.Equal(BodyFraming.ContentLength, request.Framing);
        Assert.Equal("", request.Body);
    }
}
