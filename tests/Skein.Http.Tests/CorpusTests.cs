// Runs the shared corpus (Skein.Testing/HttpCases.cs) through the core: every valid request three ways
// (whole, one byte at a time, followed by a pipelined request), every invalid request whole and byte by
// byte. Single rules with their own shape live in the per-area test files.
using Skein.Testing;

namespace Skein.Http.Tests;

public sealed class CorpusTests
{
    private const string Trailing = "GET /next HTTP/1.1\r\nHost: n\r\n\r\n";

    [Theory]
    [MemberData(nameof(HttpCases.ValidLabels), MemberType = typeof(HttpCases))]
    public void Valid_request_parses_whole(string label)
    {
        var expected = HttpCases.ValidCase(label);
        using var feeder = new Feeder { AnswerAndContinue = false };
        feeder.Feed(HttpCases.Bytes(expected.Raw));
        AssertMatches(expected, Assert.Single(feeder.Requests));
        Assert.Empty(feeder.Unconsumed);
    }

    [Theory]
    [MemberData(nameof(HttpCases.ValidLabels), MemberType = typeof(HttpCases))]
    public void Valid_request_parses_byte_by_byte(string label)
    {
        var expected = HttpCases.ValidCase(label);
        var bytes = HttpCases.Bytes(expected.Raw);
        var headLength = expected.Raw.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        using var feeder = new Feeder { AnswerAndContinue = false };
        feeder.FeedByteByByte(bytes);
        AssertMatches(expected, Assert.Single(feeder.Requests));
        // Need-more for every byte of the head but the last, then Complete.
        Assert.Equal(ParseStatus.Complete, feeder.HeadStatuses[^1]);
        Assert.Equal(headLength, feeder.HeadStatuses.Count);
    }

    [Theory]
    [MemberData(nameof(HttpCases.ValidLabels), MemberType = typeof(HttpCases))]
    public void Valid_request_leaves_a_pipelined_request_unconsumed(string label)
    {
        var expected = HttpCases.ValidCase(label);
        using var feeder = new Feeder { AnswerAndContinue = false };
        feeder.Feed(HttpCases.Bytes(expected.Raw + Trailing));
        AssertMatches(expected, Assert.Single(feeder.Requests));
        Assert.Equal(Trailing, System.Text.Encoding.Latin1.GetString(feeder.Unconsumed));
    }

    [Theory]
    [MemberData(nameof(HttpCases.InvalidData), MemberType = typeof(HttpCases))]
    public void Invalid_request_is_rejected_whole(string label, string raw, int status)
    {
        using var feeder = new Feeder();
        var error = Assert.Throws<HttpProtocolException>(() => feeder.Feed(HttpCases.Bytes(raw)));
        Assert.True(status == error.Status, $"{label}: expected {status}, got {error.Status} ({error.Message})");
        Assert.False(feeder.Connection.KeepAlive);
    }

    [Theory]
    [MemberData(nameof(HttpCases.InvalidData), MemberType = typeof(HttpCases))]
    public void Invalid_request_is_rejected_byte_by_byte(string label, string raw, int status)
    {
        using var feeder = new Feeder();
        var error = Assert.Throws<HttpProtocolException>(() => feeder.FeedByteByByte(HttpCases.Bytes(raw)));
        Assert.True(status == error.Status, $"{label}: expected {status}, got {error.Status} ({error.Message})");
    }

    internal static void AssertMatches(ValidRequest expected, ParsedRequest actual)
    {
        Assert.Equal(expected.Method, actual.Method);
        Assert.Equal(expected.Target, actual.Target);
        Assert.Equal(expected.Path, actual.Path);
        Assert.Equal(expected.Query, actual.Query);
        Assert.Equal(expected.Host, actual.Host);
        Assert.Equal(expected.Http11, actual.Http11);
        Assert.Equal(expected.Body, actual.Body);
        Assert.Equal(expected.KeepAlive, actual.KeepAlive);
        Assert.Equal(expected.ExpectContinue, actual.ExpectContinue);
    }
}
