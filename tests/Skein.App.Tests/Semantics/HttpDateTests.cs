// Tests of HTTP-date formatting and parsing (RFC 9110 §5.6.7). Pure; no clock.
using System.Text;
using Skein.Http.Semantics;

namespace Skein.App.Tests.Semantics;

public sealed class HttpDateTests
{
    private static readonly DateTimeOffset Example = new(1994, 11, 6, 8, 49, 37, TimeSpan.Zero);

    [Fact]
    public void Formats_imf_fixdate()
    {
        Assert.Equal("Sun, 06 Nov 1994 08:49:37 GMT", HttpDate.Format(Example));
        Assert.Equal("Sun, 06 Nov 1994 08:49:37 GMT", HttpDate.Format(Example.AddMilliseconds(999)));
        Assert.Equal("Sun, 06 Nov 1994 08:49:37 GMT", HttpDate.Format(Example.ToOffset(TimeSpan.FromHours(5))));
    }

    [Theory]
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT")]
    [InlineData("Sunday, 06-Nov-94 08:49:37 GMT")]
    [InlineData("Sun Nov  6 08:49:37 1994")]
    [InlineData("  Sun, 06 Nov 1994 08:49:37 GMT ")]
    public void Parses_the_three_forms(string text)
    {
        Assert.True(HttpDate.TryParse(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(Example, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("Sun, 06 Nov 1994 08:49:37 UTC")]
    [InlineData("Sun, 31 Nov 1994 08:49:37 GMT")]
    [InlineData("Sun, 06 Nov 1994 24:00:00 GMT")]
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT")]
    [InlineData("Xyz, 06 Nov 1994 08:49:37 GMT")]
    [InlineData("Sun, 06 Foo 1994 08:49:37 GMT")]
    [InlineData("1994-11-06T08:49:37Z")]
    public void Rejects_what_is_not_one_http_date(string text)
    {
        Assert.False(HttpDate.TryParse(Encoding.ASCII.GetBytes(text), out _));
    }

    [Fact]
    public void Round_trips_any_second()
    {
        var start = new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var random = new Random(7);
        Span<byte> buffer = stackalloc byte[HttpDate.Length];
        for (var i = 0; i < 2000; i++)
        {
            var value = start.AddSeconds(random.NextInt64(0, 200L * 365 * 86400));
            HttpDate.Format(value, buffer);
            Assert.True(HttpDate.TryParse(buffer, out var parsed));
            Assert.Equal(value, parsed);
        }
    }

    [Fact]
    public void Two_digit_years_fall_in_1970_to_2069()
    {
        Assert.True(HttpDate.TryParse("Thursday, 01-Jan-70 00:00:00 GMT"u8, out var seventy));
        Assert.Equal(1970, seventy.Year);
        Assert.True(HttpDate.TryParse("Friday, 01-Jan-27 00:00:00 GMT"u8, out var twentySeven));
        Assert.Equal(2027, twentySeven.Year);
    }
}
