// Tests of the client-side response framing, from byte strings: each response is fed whole and one byte
// at a time, and must end exactly where the response ends.
using System.Text;
using Skein.Bench.Http;

namespace Skein.Bench.Tests.Http;

public sealed class HttpResponseParserTests
{
    public static TheoryData<string, string, int, bool> Responses => new()
    {
        { "content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200, true },
        { "empty body", "HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n", 204, true },
        { "chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n", 200, true },
        { "chunked with trailer", "HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\n\r\n1\r\nx\r\n0\r\nX-Sum: 1\r\n\r\n", 200, true },
        { "connection close", "HTTP/1.1 500 Oops\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno", 500, false },
        { "http/1.0 default close", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", 200, false },
        { "http/1.0 keep-alive", "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx", 200, true },
        { "interim 100 skipped", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 201, true },
        { "not modified has no body", "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n", 304, true },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public void Whole_response_completes_exactly_at_its_end(string label, string response, int status, bool keepAlive)
    {
        var parser = new HttpResponseParser();
        parser.Reset();
        var bytes = Encoding.ASCII.GetBytes(response + "HTTP/1.1 200 OK\r\n"); // a following response stays unconsumed
        var result = parser.Parse(bytes, out int consumed);
        Assert.True(result == ResponseParseStatus.Complete, label);
        Assert.Equal(response.Length, consumed);
        Assert.Equal(status, parser.StatusCode);
        Assert.Equal(keepAlive, parser.KeepAlive);
    }

    [Theory]
    [MemberData(nameof(Responses))]
    public void Byte_at_a_time_needs_more_data_until_the_last_byte(string label, string response, int status, bool keepAlive)
    {
        var parser = new HttpResponseParser();
        parser.Reset();
        var bytes = Encoding.ASCII.GetBytes(response);
        var pending = new List<byte>();
        for (int i = 0; i < bytes.Length; i++)
        {
            pending.Add(bytes[i]);
            var result = parser.Parse(pending.ToArray(), out int consumed);
            pending.RemoveRange(0, consumed);
            if (i < bytes.Length - 1)
            {
                Assert.True(result == ResponseParseStatus.NeedMoreData, $"{label}: complete early at byte {i}");
            }
            else
            {
                Assert.True(result == ResponseParseStatus.Complete, $"{label}: not complete at the end");
                Assert.Empty(pending);
            }
        }
        Assert.Equal(status, parser.StatusCode);
        Assert.Equal(keepAlive, parser.KeepAlive);
    }

    [Fact]
    public void Body_without_length_ends_at_close()
    {
        var parser = new HttpResponseParser();
        parser.Reset();
        var result = parser.Parse("HTTP/1.1 200 OK\r\n\r\nsome body"u8, out int consumed);
        Assert.Equal(ResponseParseStatus.NeedMoreData, result);
        Assert.Equal(28, consumed);
        Assert.True(parser.OnEndOfStream());
        Assert.False(parser.KeepAlive);
    }

    [Fact]
    public void Close_before_the_body_is_complete_is_not_a_response()
    {
        var parser = new HttpResponseParser();
        parser.Reset();
        parser.Parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"u8, out _);
        Assert.False(parser.OnEndOfStream());
    }

    [Fact]
    public void Head_request_response_has_no_body()
    {
        var parser = new HttpResponseParser();
        parser.Reset(headRequest: true);
        Assert.Equal(ResponseParseStatus.Complete, parser.Parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"u8, out _));
    }

    [Theory]
    [InlineData("HTTP/2 200 OK\r\n\r\n", "not HTTP/1.x")]
    [InlineData("HTTP/1.1 2x0 OK\r\n\r\n", "status not digits")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "negative length")]
    [InlineData("HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "field without colon")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxyz", "chunk data overruns")]
    public void Unframeable_responses_are_invalid(string response, string label)
    {
        var parser = new HttpResponseParser();
        parser.Reset();
        Assert.True(parser.Parse(Encoding.ASCII.GetBytes(response), out _) == ResponseParseStatus.Invalid, label);
    }
}
