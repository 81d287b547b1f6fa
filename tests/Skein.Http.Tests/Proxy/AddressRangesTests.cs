// --proxy-from's address ranges: parsing, membership (IPv4 seen through a dual-mode socket included) and the
// text form they travel in to worker processes.
using System.Net;
using Skein.Http.Proxy;

namespace Skein.Http.Tests.Proxy;

public sealed class AddressRangesTests
{
    [Theory]
    [InlineData("127.0.0.0/8", "127.1.2.3", true)]
    [InlineData("127.0.0.0/8", "128.0.0.1", false)]
    [InlineData("10.0.0.0/8,192.168.1.7", "192.168.1.7", true)]
    [InlineData("10.0.0.0/8,192.168.1.7", "192.168.1.8", false)]
    [InlineData("::1/128", "::1", true)]
    [InlineData("127.0.0.0/8", "::ffff:127.0.0.1", true)]
    [InlineData("2001:db8::/32", "2001:db8:1::5", true)]
    public void Contains_what_the_ranges_cover(string ranges, string address, bool expected)
        => Assert.Equal(expected, AddressRanges.Parse(ranges).Contains(IPAddress.Parse(address)));

    [Theory]
    [InlineData("")]
    [InlineData("10.0.0.0/33")]
    [InlineData("example.com")]
    [InlineData("10.0.0.0/8,,::1")]
    public void Refuses_what_is_not_a_range(string text)
    {
        Assert.False(AddressRanges.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Text_form_reads_back_equal()
    {
        var ranges = AddressRanges.Parse("10.0.0.0/8, 192.168.1.7,::1/128");
        Assert.Equal("10.0.0.0/8,192.168.1.7/32,::1/128", ranges.ToString());
        Assert.Equal(ranges, AddressRanges.Parse(ranges.ToString()));
        Assert.False(AddressRanges.Loopback.Contains(null));
        Assert.Equal("10.0.0.0/8", AddressRanges.Parse("10.1.2.3/8").ToString()); // host bits dropped, as .NET's IPNetwork does
    }

    [Fact]
    public void Loopback_is_what_its_text_reads_as()
    {
        var parsed = AddressRanges.Parse(AddressRanges.Loopback.ToString());
        Assert.Equal(parsed, AddressRanges.Loopback);
        Assert.Equal(parsed.Ranges, AddressRanges.Loopback.Ranges);
    }
}
