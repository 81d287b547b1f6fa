// The one switch from rejection to status (STYLE §5), and the limits' own validation.
namespace Skein.Http.Tests;

public sealed class RejectReasonTests
{
    [Theory]
    [InlineData(RejectReason.MalformedRequestLine, 400)]
    [InlineData(RejectReason.InvalidRequestTarget, 400)]
    [InlineData(RejectReason.PathAboveRoot, 400)]
    [InlineData(RejectReason.MalformedHeader, 400)]
    [InlineData(RejectReason.WhitespaceBeforeColon, 400)]
    [InlineData(RejectReason.ObsoleteLineFolding, 400)]
    [InlineData(RejectReason.InvalidCharacter, 400)]
    [InlineData(RejectReason.MissingHost, 400)]
    [InlineData(RejectReason.InvalidHost, 400)]
    [InlineData(RejectReason.ContentLengthWithTransferEncoding, 400)]
    [InlineData(RejectReason.InvalidContentLength, 400)]
    [InlineData(RejectReason.TransferEncodingInHttp10, 400)]
    [InlineData(RejectReason.InvalidChunk, 400)]
    [InlineData(RejectReason.InvalidTrailer, 400)]
    [InlineData(RejectReason.UnexpectedEndOfInput, 400)]
    [InlineData(RejectReason.RequestTargetTooLong, 414)]
    [InlineData(RejectReason.RequestLineTooLong, 414)]
    [InlineData(RejectReason.HeadersTooLarge, 431)]
    [InlineData(RejectReason.TooManyHeaders, 431)]
    [InlineData(RejectReason.BodyTooLarge, 413)]
    [InlineData(RejectReason.UnknownMethod, 501)]
    [InlineData(RejectReason.UnknownTransferCoding, 501)]
    [InlineData(RejectReason.UnsupportedVersion, 505)]
    [InlineData(RejectReason.RequestTimeout, 408)]
    [InlineData(RejectReason.ServiceUnavailable, 503)]
    public void Each_reason_has_its_status(RejectReason reason, int status)
        => Assert.Equal(status, new HttpProtocolException(reason).Status);

    [Fact]
    public void Default_limits_are_valid_and_nonsense_is_refused()
    {
        Assert.Same(HttpLimits.Default, HttpLimits.Default.Validate());
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => (HttpLimits.Default with { MaxHeaderCount = 0 }).Validate());
        Assert.Equal("MaxHeaderCount", error.ParamName);
    }
}
