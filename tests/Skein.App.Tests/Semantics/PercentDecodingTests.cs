// Tests of path percent-decoding (RFC 3986 §2.1): once only, and the refusals a file server needs. Pure.
using System.Text;
using Skein.Http.Semantics;

namespace Skein.App.Tests.Semantics;

public sealed class PercentDecodingTests
{
    [Theory]
    [InlineData("/a%20b", "/a b")]
    [InlineData("/caf%C3%A9", "/café")]
    [InlineData("/%252e%252e/", "/%2e%2e/")]
    [InlineData("/a+b", "/a+b")]
    [InlineData("/%2e%2E", "/..")]
    [InlineData("/plain", "/plain")]
    [InlineData("", "")]
    public void Decodes_exactly_once(string raw, string expected)
    {
        var destination = new byte[raw.Length];
        Assert.Equal(PathDecodeStatus.Ok, PercentDecoding.TryDecodePath(Encoding.ASCII.GetBytes(raw), destination, out var written));
        Assert.Equal(expected, Encoding.UTF8.GetString(destination, 0, written));
    }

    [Theory]
    [InlineData("/a%2Fb", PathDecodeStatus.EncodedSeparator)]
    [InlineData("/a%2fb", PathDecodeStatus.EncodedSeparator)]
    [InlineData("/a%5Cb", PathDecodeStatus.EncodedSeparator)]
    [InlineData("/a%00", PathDecodeStatus.Nul)]
    [InlineData("/a\0", PathDecodeStatus.Nul)]
    [InlineData("/a%", PathDecodeStatus.MalformedEscape)]
    [InlineData("/a%4", PathDecodeStatus.MalformedEscape)]
    [InlineData("/a%zz", PathDecodeStatus.MalformedEscape)]
    [InlineData("/%%30", PathDecodeStatus.MalformedEscape)]
    public void Refuses_what_a_file_path_cannot_be(string raw, PathDecodeStatus expected)
    {
        var destination = new byte[raw.Length];
        Assert.Equal(expected, PercentDecoding.TryDecodePath(Encoding.Latin1.GetBytes(raw), destination, out _));
    }

    [Fact]
    public void Reports_a_small_destination()
    {
        Assert.Equal(PathDecodeStatus.TooLong, PercentDecoding.TryDecodePath("/abcdef"u8, new byte[3], out _));
    }
}
