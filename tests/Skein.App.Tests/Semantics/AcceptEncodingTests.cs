// Tests of content-coding negotiation with q-values (RFC 9110 §12.5.3, §12.4.2). Pure.
using System.Text;
using Skein.Http.Semantics;

namespace Skein.App.Tests.Semantics;

public sealed class AcceptEncodingTests
{
    [Theory]
    [InlineData("gzip, deflate, br, zstd", ContentCoding.Brotli)]       // Chrome
    [InlineData("gzip, deflate", ContentCoding.Gzip)]                   // curl --compressed without br
    [InlineData("br;q=0.5, gzip", ContentCoding.Gzip)]
    [InlineData("gzip;q=0.5, br;q=0.9", ContentCoding.Brotli)]
    [InlineData("x-gzip", ContentCoding.Gzip)]
    [InlineData("GZIP", ContentCoding.Gzip)]
    [InlineData("*", ContentCoding.Brotli)]
    [InlineData("*;q=0.5, br;q=0", ContentCoding.Gzip)]
    [InlineData("identity", ContentCoding.Identity)]
    [InlineData("", ContentCoding.Identity)]
    [InlineData("deflate", ContentCoding.Identity)]
    [InlineData("gzip;q=0", ContentCoding.Identity)]
    [InlineData("br;q=0, gzip;q=0", ContentCoding.Identity)]
    [InlineData("gzip;q=0.2, identity;q=0.5", ContentCoding.Identity)]
    [InlineData("gzip;q=1.0, identity;q=0.5", ContentCoding.Gzip)]
    [InlineData("gzip;q=0.001", ContentCoding.Gzip)]
    [InlineData("gzip;q=2", ContentCoding.Identity)]                    // invalid q: element ignored
    [InlineData("gzip;q=0.1234", ContentCoding.Identity)]
    [InlineData("gzip ; q=0.8 , br ; q=0.7", ContentCoding.Gzip)]
    [InlineData("gzip;level=1", ContentCoding.Gzip)]
    public void Chooses_the_best_available_coding(string field, ContentCoding expected)
    {
        Assert.Equal(expected, AcceptEncoding.Negotiate(Encoding.ASCII.GetBytes(field), ContentCodings.All));
    }

    [Fact]
    public void Chooses_only_among_available_codings()
    {
        Assert.Equal(ContentCoding.Gzip, AcceptEncoding.Negotiate("br, gzip;q=0.5"u8, ContentCodings.Gzip));
        Assert.Equal(ContentCoding.Identity, AcceptEncoding.Negotiate("br"u8, ContentCodings.Gzip));
        Assert.Equal(ContentCoding.Identity, AcceptEncoding.Negotiate("br, gzip"u8, ContentCodings.None));
    }

    [Theory]
    [InlineData("q=0", 0)]
    [InlineData("q=1", 1000)]
    [InlineData("q=0.5", 500)]
    [InlineData("Q=0.25", 250)]
    [InlineData("q=1.000", 1000)]
    [InlineData("foo=bar", 1000)]
    public void Parses_weights(string parameters, int expected)
    {
        Assert.True(AcceptEncoding.TryParseWeight(Encoding.ASCII.GetBytes(parameters), out var weight));
        Assert.Equal(expected, weight);
    }

    [Theory]
    [InlineData("q=1.5")]
    [InlineData("q=")]
    [InlineData("q=.5")]
    [InlineData("q=0.5x")]
    public void Rejects_malformed_weights(string parameters)
    {
        Assert.False(AcceptEncoding.TryParseWeight(Encoding.ASCII.GetBytes(parameters), out _));
    }
}
