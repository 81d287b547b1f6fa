// The connection's state machine as a server loop drives it: pipelining, persistence, limits as options,
// end of input, the reset rules, and the head API. Corpus-wide checks are in CorpusTests.
using System.Buffers;
using System.Text;
using Skein.Testing;

namespace Skein.Http.Tests;

public sealed class Http1ConnectionTests
{
    private static byte[] B(string raw) => HttpCases.Bytes(raw);

    [Fact]
    public void Pipelined_requests_get_responses_in_order()
    {
        using var feeder = new Feeder();
        feeder.Feed(B("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET /3 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /ignored HTTP/1.1\r\n"));
        Assert.Equal(["/1", "/2", "/3"], feeder.Requests.Select(r => r.Path));
        Assert.Equal("abc", feeder.Requests[1].Body);
        var responses = Encoding.Latin1.GetString(feeder.Output.WrittenSpan).Split("HTTP/1.1 200 OK").Length - 1;
        Assert.Equal(3, responses);
        Assert.True(feeder.Closed);
    }

    [Fact]
    public void Incomplete_head_consumes_all_input_so_trickling_is_linear()
    {
        // Every byte offered to an incomplete head is taken at once (copied into the head's own buffer),
        // so no byte is ever scanned twice however slowly it arrives. The Feeder throws if bytes are left.
        var raw = B("GET / HTTP/1.1\r\nHost: h\r\nX-Long: " + new string('v', 20_000) + "\r\n\r\n");
        using var feeder = new Feeder { AnswerAndContinue = false };
        feeder.FeedByteByByte(raw);
        Assert.Equal(raw.Length, feeder.HeadStatuses.Count);
        Assert.Equal(20_000, Assert.Single(feeder.Requests).Headers.Length - "Host: h\nX-Long: \n".Length);
    }

    [Fact]
    public void Content_length_body_stops_at_its_end()
    {
        using var feeder = new Feeder { AnswerAndContinue = false };
        feeder.Feed(B("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123"));
        Assert.Empty(feeder.Requests);
        Assert.True(feeder.Connection.IsRequestInProgress);
        feeder.Feed(B("456789GET"));
        Assert.Equal("0123456789", Assert.Single(feeder.Requests).Body);
        Assert.Equal("GET", Encoding.Latin1.GetString(feeder.Unconsumed));
    }

    [Fact]
    public void Chunked_body_stops_after_its_trailers()
    {
        using var feeder = new Feeder { AnswerAndContinue = false };
        feeder.Feed(B("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\nT: 1\r\n\r\nNEXT"));
        Assert.Equal("ab", Assert.Single(feeder.Requests).Body);
        Assert.Equal(BodyFraming.Chunked, feeder.Requests[0].Framing);
        Assert.Equal("NEXT", Encoding.Latin1.GetString(feeder.Unconsumed));
    }

    [Theory]
    [InlineData(100, 200)]
    [InlineData(99, 431)]
    public void Header_section_limit_counts_field_lines_and_the_blank_line(int limit, int status)
    {
        // "Host: h\r\n" (9) + "X: " + 84 bytes + "\r\n" (89) + "\r\n" (2) = 100 bytes of header section.
        var raw = B("GET / HTTP/1.1\r\nHost: h\r\nX: " + new string('x', 84) + "\r\n\r\n");
        using var feeder = new Feeder(HttpLimits.Default with { MaxHeaderBytes = limit });
        var error = Record.Exception(() => feeder.Feed(raw));
        Assert.Equal(status, error is HttpProtocolException e ? e.Status : 200);
    }

    [Theory]
    [InlineData(19, 200)]
    [InlineData(18, 414)]
    public void Request_line_limit_includes_the_CRLF(int limit, int status)
    {
        var raw = B("GET /abc HTTP/1.1\r\nHost: h\r\n\r\n");
        using var feeder = new Feeder(HttpLimits.Default with { MaxRequestLineBytes = limit });
        var error = Record.Exception(() => feeder.Feed(raw));
        Assert.Equal(status, error is HttpProtocolException e ? e.Status : 200);
    }

    [Fact]
    public void Endless_request_line_is_refused_once_past_the_limit()
    {
        using var feeder = new Feeder(HttpLimits.Default with { MaxRequestLineBytes = 64 });
        feeder.Feed(B("GET /" + new string('a', 58)));
        var error = Assert.Throws<HttpProtocolException>(() => feeder.Feed(B("a")));
        Assert.Equal(RejectReason.RequestTargetTooLong, error.Reason);
    }

    [Fact]
    public void Endless_garbage_line_is_400_not_414()
    {
        using var feeder = new Feeder(HttpLimits.Default with { MaxRequestLineBytes = 64 });
        var error = Assert.Throws<HttpProtocolException>(() => feeder.Feed(new byte[100]));
        Assert.Equal(400, error.Status);
    }

    [Theory]
    [InlineData(3, 200)]
    [InlineData(2, 431)]
    public void Header_count_limit(int limit, int status)
    {
        using var feeder = new Feeder(HttpLimits.Default with { MaxHeaderCount = limit });
        var error = Record.Exception(() => feeder.Feed(B("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n")));
        Assert.Equal(status, error is HttpProtocolException e ? e.Status : 200);
    }

    [Theory]
    [InlineData(10, 200)]
    [InlineData(9, 413)]
    public void Body_limit_applies_to_content_length(int limit, int status)
    {
        using var feeder = new Feeder(HttpLimits.Default with { MaxBodyBytes = limit });
        var error = Record.Exception(() => feeder.Feed(B("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789")));
        Assert.Equal(status, error is HttpProtocolException e ? e.Status : 200);
    }

    [Theory]
    [InlineData(10, 200)]
    [InlineData(9, 413)]
    public void Body_limit_applies_to_the_sum_of_chunks(int limit, int status)
    {
        using var feeder = new Feeder(HttpLimits.Default with { MaxBodyBytes = limit });
        var error = Record.Exception(() => feeder.Feed(B("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n")));
        Assert.Equal(status, error is HttpProtocolException e ? e.Status : 200);
    }

    [Fact]
    public void Endless_chunk_extension_is_refused()
    {
        using var feeder = new Feeder(HttpLimits.Default with { MaxChunkLineBytes = 32 });
        var error = Assert.Throws<HttpProtocolException>(() => feeder.Feed(B("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;" + new string('e', 40))));
        Assert.Equal(RejectReason.InvalidChunk, error.Reason);
    }

    [Fact]
    public void Endless_trailer_section_is_431()
    {
        using var feeder = new Feeder(HttpLimits.Default with { MaxChunkLineBytes = 32 });
        var error = Assert.Throws<HttpProtocolException>(() => feeder.Feed(B("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\nB: " + new string('b', 40))));
        Assert.Equal(431, error.Status);
    }

    [Fact]
    public void End_of_input_between_requests_is_normal()
    {
        using var feeder = new Feeder();
        feeder.Connection.OnInputEnded();
        using var second = new Feeder();
        second.Feed(B("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        second.Connection.OnInputEnded();
        Assert.False(second.Connection.IsRequestInProgress);
    }

    [Theory]
    [InlineData("G")]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nab")]
    [InlineData("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")]
    public void End_of_input_mid_request_is_an_error(string partial)
    {
        using var feeder = new Feeder();
        feeder.Feed(B(partial));
        Assert.True(feeder.Connection.IsRequestInProgress);
        var error = Assert.Throws<HttpProtocolException>(feeder.Connection.OnInputEnded);
        Assert.Equal(RejectReason.UnexpectedEndOfInput, error.Reason);
        Assert.False(feeder.Connection.IsRequestInProgress);
    }

    [Fact]
    public void Request_in_progress_spans_head_body_and_response()
    {
        using var http = new Http1Connection(HttpLimits.Default);
        Assert.False(http.IsRequestInProgress);
        var reader = Reader("POST / HTTP/1.1\r\nHo");
        http.TryReadRequestHead(ref reader);
        Assert.True(http.IsRequestInProgress);
        reader = Reader("st: h\r\nContent-Length: 1\r\n\r\n");
        Assert.Equal(ParseStatus.Complete, http.TryReadRequestHead(ref reader));
        Assert.False(http.IsRequestBodyComplete);
        reader = Reader("x");
        Assert.Equal(BodyReadStatus.Data, http.TryReadBody(ref reader, out _));
        Assert.Equal(BodyReadStatus.End, http.TryReadBody(ref reader, out _));
        Assert.True(http.IsRequestBodyComplete);
        Assert.True(http.IsRequestInProgress);
        Assert.False(http.KeepAlive);
        http.WriteResponseHead(new ArrayBufferWriter<byte>(), 200, new ResponseHeaders(), 0);
        Assert.True(http.KeepAlive);
        Assert.True(http.IsRequestInProgress);
        http.ResetForNextRequest();
        Assert.False(http.IsRequestInProgress);
        Assert.False(http.KeepAlive);
    }

    [Fact]
    public void Reset_requires_the_body_read_and_a_persistent_response()
    {
        using var http = new Http1Connection(HttpLimits.Default);
        http.ResetForNextRequest(); // between requests: nothing to do
        var reader = Reader("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n");
        http.TryReadRequestHead(ref reader);
        var output = new ArrayBufferWriter<byte>();
        Assert.Throws<InvalidOperationException>(http.ResetForNextRequest);
        http.WriteResponseHead(output, 200, new ResponseHeaders(), 0);
        Assert.Throws<InvalidOperationException>(http.ResetForNextRequest); // body not drained
        Assert.Throws<InvalidOperationException>(() => { var r = Reader("GET"); http.TryReadRequestHead(ref r); });
        reader = Reader("ok");
        while (http.TryReadBody(ref reader, out _) != BodyReadStatus.End)
        {
        }
        http.ResetForNextRequest();

        reader = Reader("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        Assert.Equal(ParseStatus.Complete, http.TryReadRequestHead(ref reader));
        http.WriteResponseHead(output, 200, new ResponseHeaders(), 0);
        Assert.Throws<InvalidOperationException>(http.ResetForNextRequest); // not persistent: close instead
    }

    [Fact]
    public void Nothing_is_read_after_a_rejection()
    {
        using var feeder = new Feeder();
        Assert.Throws<HttpProtocolException>(() => feeder.Feed(B("GET / HTTP/9.9\r\n")));
        Assert.Throws<InvalidOperationException>(() => feeder.Feed(B("GET / HTTP/1.1\r\nHost: h\r\n\r\n")));
    }

    [Fact]
    public void Head_exposes_fields_in_order_with_lookup_ignoring_case()
    {
        using var feeder = new Feeder { AnswerAndContinue = false };
        feeder.Feed(B("GET / HTTP/1.1\r\nHost: h\r\nAccept:  text/html  \r\nX-Twice: 1\r\nx-twice: 2\r\n\r\n"));
        var head = feeder.Connection.Head;
        Assert.Equal(4, head.HeaderCount);
        Assert.Equal("Accept", Encoding.Latin1.GetString(head.GetHeaderName(1)));
        Assert.Equal("text/html", Encoding.Latin1.GetString(head.GetHeaderValue(1)));
        Assert.True(head.TryGetHeader("ACCEPT"u8, out var accept));
        Assert.Equal("text/html", Encoding.Latin1.GetString(accept));
        Assert.Equal("1", head.GetHeaderString("x-twice"));
        Assert.Null(head.GetHeaderString("Missing"));
        Assert.Throws<ArgumentOutOfRangeException>(() => head.GetHeaderName(4).Length);
    }

    [Fact]
    public void Absolute_form_ignores_the_Host_field_but_still_requires_one()
    {
        using var feeder = new Feeder();
        var error = Assert.Throws<HttpProtocolException>(() => feeder.Feed(B("GET http://a/ HTTP/1.1\r\n\r\n")));
        Assert.Equal(RejectReason.MissingHost, error.Reason);
    }

    private static SequenceReader<byte> Reader(string raw) => new(new ReadOnlySequence<byte>(B(raw)));
}
