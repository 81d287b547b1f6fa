// Response heads as a client reads them: framing per status, method and version (RFC 9112 §6.3, RFC 9110
// §8.6), persistence and the Connection field (RFC 9112 §9.3), Date from the TimeProvider, chunk framing,
// 100 Continue and rejections.
using System.Buffers;
using System.Text;
using Skein.Testing;

namespace Skein.Http.Tests.Writing;

public sealed class ResponseTests
{
    private static readonly DateTimeOffset Noon = new(1994, 11, 6, 8, 49, 37, TimeSpan.Zero);

    private static (Http1Connection Connection, ArrayBufferWriter<byte> Output) Parsed(string raw, TimeProvider? time = null)
    {
        var connection = new Http1Connection(HttpLimits.Default, time ?? new ManualTime(Noon));
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(HttpCases.Bytes(raw)));
        Assert.Equal(ParseStatus.Complete, connection.TryReadRequestHead(ref reader));
        while (connection.TryReadBody(ref reader, out _) == BodyReadStatus.Data)
        {
        }
        return (connection, new ArrayBufferWriter<byte>());
    }

    private static string Text(ArrayBufferWriter<byte> output) => Encoding.Latin1.GetString(output.WrittenSpan);

    [Fact]
    public void Known_length_gets_Content_Length_and_keeps_the_connection()
    {
        var (http, output) = Parsed("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        var headers = new ResponseHeaders().Add("Content-Type", "text/html");
        Assert.Equal(ResponseFraming.ContentLength, http.WriteResponseHead(output, 200, headers, 1234));
        Assert.Equal(
            "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: Skein\r\n" +
            "Content-Type: text/html\r\nContent-Length: 1234\r\n\r\n", Text(output));
        Assert.True(http.KeepAlive);
    }

    [Fact]
    public void Unknown_length_on_HTTP_11_is_chunked()
    {
        var (http, output) = Parsed("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        Assert.Equal(ResponseFraming.Chunked, http.WriteResponseHead(output, 200, new ResponseHeaders(), null));
        Assert.Contains("\r\nTransfer-Encoding: chunked\r\n", Text(output), StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Length", Text(output), StringComparison.Ordinal);
        Assert.True(http.KeepAlive);
    }

    [Fact]
    public void Unknown_length_on_HTTP_10_is_close_delimited()
    {
        var (http, output) = Parsed("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        Assert.Equal(ResponseFraming.CloseDelimited, http.WriteResponseHead(output, 200, new ResponseHeaders(), null));
        Assert.DoesNotContain("Transfer-Encoding", Text(output), StringComparison.Ordinal);
        Assert.EndsWith("\r\nConnection: close\r\n\r\n", Text(output), StringComparison.Ordinal);
        Assert.False(http.KeepAlive);
    }

    [Fact]
    public void HTTP_10_keep_alive_is_confirmed_in_the_response()
    {
        var (http, output) = Parsed("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        http.WriteResponseHead(output, 200, new ResponseHeaders(), 5);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", Text(output), StringComparison.Ordinal);
        Assert.EndsWith("\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\n", Text(output), StringComparison.Ordinal);
        Assert.True(http.KeepAlive);
    }

    [Fact]
    public void HTTP_10_without_keep_alive_closes()
    {
        var (http, output) = Parsed("GET / HTTP/1.0\r\n\r\n");
        http.WriteResponseHead(output, 200, new ResponseHeaders(), 5);
        Assert.EndsWith("\r\nConnection: close\r\n\r\n", Text(output), StringComparison.Ordinal);
        Assert.False(http.KeepAlive);
    }

    [Fact]
    public void Connection_close_request_gets_Connection_close()
    {
        var (http, output) = Parsed("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        http.WriteResponseHead(output, 200, new ResponseHeaders(), 0);
        Assert.Contains("\r\nConnection: close\r\n", Text(output), StringComparison.Ordinal);
        Assert.False(http.KeepAlive);
    }

    [Fact]
    public void Server_can_close_a_persistent_connection()
    {
        var (http, output) = Parsed("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        http.WriteResponseHead(output, 503, new ResponseHeaders(), 0, close: true);
        Assert.StartsWith("HTTP/1.1 503 Service Unavailable\r\n", Text(output), StringComparison.Ordinal);
        Assert.Contains("\r\nConnection: close\r\n", Text(output), StringComparison.Ordinal);
        Assert.False(http.KeepAlive);
    }

    [Fact]
    public void HEAD_gets_the_Content_Length_of_GET_and_no_body()
    {
        var (http, output) = Parsed("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n");
        Assert.Equal(ResponseFraming.None, http.WriteResponseHead(output, 200, new ResponseHeaders(), 100_000));
        Assert.Contains("\r\nContent-Length: 100000\r\n", Text(output), StringComparison.Ordinal);
        Assert.True(http.KeepAlive);
    }

    [Fact]
    public void HEAD_with_unknown_length_is_not_chunked()
    {
        var (http, output) = Parsed("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n");
        Assert.Equal(ResponseFraming.None, http.WriteResponseHead(output, 200, new ResponseHeaders(), null));
        Assert.DoesNotContain("Transfer-Encoding", Text(output), StringComparison.Ordinal);
        Assert.True(http.KeepAlive);
    }

    [Theory]
    [InlineData(204)]
    [InlineData(304)]
    public void No_content_and_not_modified_carry_no_length(int status)
    {
        var (http, output) = Parsed("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        Assert.Equal(ResponseFraming.None, http.WriteResponseHead(output, status, new ResponseHeaders(), 10));
        Assert.DoesNotContain("Content-Length", Text(output), StringComparison.Ordinal);
        Assert.DoesNotContain("Transfer-Encoding", Text(output), StringComparison.Ordinal);
        Assert.True(http.KeepAlive);
    }

    [Fact]
    public void Interim_response_is_not_final()
    {
        var (http, output) = Parsed("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        Assert.Equal(ResponseFraming.None, http.WriteResponseHead(output, 103, new ResponseHeaders().Add("Link", "</a.css>; rel=preload"), null));
        Assert.Equal(ResponseFraming.ContentLength, http.WriteResponseHead(output, 200, new ResponseHeaders(), 0));
        Assert.StartsWith("HTTP/1.1 103 \r\n", Text(output), StringComparison.Ordinal);
        Assert.Contains("Link: </a.css>; rel=preload\r\n", Text(output), StringComparison.Ordinal);
    }

    [Fact]
    public void Second_final_response_head_is_refused()
    {
        var (http, output) = Parsed("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        http.WriteResponseHead(output, 200, new ResponseHeaders(), 0);
        Assert.Throws<InvalidOperationException>(() => http.WriteResponseHead(output, 200, new ResponseHeaders(), 0));
    }

    [Fact]
    public void Framing_fields_from_the_handler_are_ignored_and_Date_Server_kept_if_given()
    {
        var (http, output) = Parsed("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        var headers = new ResponseHeaders()
            .Add("content-length", "999").Add("Transfer-Encoding", "gzip").Add("Connection", "upgrade")
            .Add("Server", "Custom").Add("Date", "yesterday");
        http.WriteResponseHead(output, 200, headers, 3);
        Assert.Equal(
            "HTTP/1.1 200 OK\r\nServer: Custom\r\nDate: yesterday\r\nContent-Length: 3\r\n\r\n", Text(output));
    }

    [Fact]
    public void Unknown_status_has_an_empty_reason_phrase()
    {
        var (http, output) = Parsed("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        http.WriteResponseHead(output, 299, new ResponseHeaders(), 0);
        Assert.StartsWith("HTTP/1.1 299 \r\n", Text(output), StringComparison.Ordinal);
    }

    [Fact]
    public void Date_follows_the_time_provider_second_by_second()
    {
        var time = new ManualTime(Noon);
        using var feeder = new Feeder(time: time);
        feeder.Feed(HttpCases.Bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        var first = Encoding.Latin1.GetString(feeder.Output.WrittenSpan);
        time.Now = Noon.AddSeconds(61);
        feeder.Feed(HttpCases.Bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        var all = Encoding.Latin1.GetString(feeder.Output.WrittenSpan);
        Assert.Equal(2, first.Split("Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n").Length - 1);
        Assert.EndsWith("Date: Sun, 06 Nov 1994 08:50:38 GMT\r\nServer: Skein\r\nContent-Length: 0\r\n\r\n", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Chunks_are_framed_in_hex_and_empty_data_writes_nothing()
    {
        var output = new ArrayBufferWriter<byte>();
        Http1Connection.WriteChunk(output, "hello"u8);
        Http1Connection.WriteChunk(output, []);
        Http1Connection.WriteChunk(output, new byte[300]);
        Http1Connection.WriteFinalChunk(output);
        var text = Text(output);
        Assert.StartsWith("5\r\nhello\r\n12c\r\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\n0\r\n\r\n", text, StringComparison.Ordinal);
        Assert.Equal(10 + 5 + 300 + 2 + 5, text.Length);
    }

    [Fact]
    public void Continue_is_written_once_and_only_to_HTTP_11()
    {
        var (http, output) = Parsed("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
        Assert.True(http.Head.ExpectContinue);
        http.WriteContinue(output);
        http.WriteContinue(output);
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", Text(output));

        var (http10, output10) = Parsed("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
        Assert.False(http10.Head.ExpectContinue);
        http10.WriteContinue(output10);
        Assert.Equal(0, output10.WrittenCount);
    }

    [Fact]
    public void Rejection_is_a_short_text_response_that_closes()
    {
        using var feeder = new Feeder(time: new ManualTime(Noon));
        var http = feeder.Connection;
        var error = Assert.Throws<HttpProtocolException>(() => feeder.Feed("GET / HTTP/1.1\r\nHost : h\r\n\r\n"u8));
        var output = new ArrayBufferWriter<byte>();
        http.WriteRejection(output, error);
        var text = Text(output);
        Assert.Equal(
            "HTTP/1.1 400 Bad Request\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: Skein\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 40\r\nConnection: close\r\n\r\n" +
            "400 Bad Request (WhitespaceBeforeColon)\n", text);
        Assert.False(http.KeepAlive);
        Assert.False(http.IsRequestInProgress);
    }

    [Fact]
    public void Rejection_after_the_response_head_writes_nothing()
    {
        var (http, output) = Parsed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n");
        http.WriteResponseHead(output, 200, new ResponseHeaders(), 0);
        var written = output.WrittenCount;
        http.WriteRejection(output, new HttpProtocolException(RejectReason.UnexpectedEndOfInput));
        Assert.Equal(written, output.WrittenCount);
        Assert.False(http.KeepAlive);
    }

    [Fact]
    public void Response_without_a_request_closes()
    {
        var http = new Http1Connection(HttpLimits.Default, new ManualTime(Noon));
        var output = new ArrayBufferWriter<byte>();
        http.WriteResponseHead(output, 503, new ResponseHeaders(), 0);
        Assert.EndsWith("Content-Length: 0\r\nConnection: close\r\n\r\n", Text(output), StringComparison.Ordinal);
        Assert.False(http.KeepAlive);
    }

    [Fact]
    public void Half_closed_client_gets_its_response_with_Connection_close()
    {
        var (http, output) = Parsed("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        http.OnInputEnded();
        http.WriteResponseHead(output, 200, new ResponseHeaders(), 0);
        Assert.Contains("Connection: close", Text(output), StringComparison.Ordinal);
        Assert.False(http.KeepAlive);
    }
}
