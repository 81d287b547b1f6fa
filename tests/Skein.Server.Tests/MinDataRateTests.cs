// The minimum data rate rule as arithmetic: the grace period covers small transfers, the rate larger ones;
// and nonsense rates are refused when the options are validated.
namespace Skein.Server.Tests;

public sealed class MinDataRateTests
{
    [Theory]
    [InlineData(0, 5.0)]          // nothing yet: the grace period
    [InlineData(1200, 5.0)]       // what 240 bytes/s moves in the grace period
    [InlineData(2400, 10.0)]      // beyond it, the rate decides
    [InlineData(65536, 273.0666)] // a 64 KiB piece at Kestrel's default
    public void Time_allowed_is_the_grace_period_or_what_the_rate_needs(long bytes, double seconds)
        => Assert.Equal(seconds, MinDataRate.Default.TimeAllowed(bytes).TotalSeconds, precision: 3);

    [Fact]
    public void Options_refuse_a_rate_that_is_not_positive_and_accept_none()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServerOptions { MinRequestBodyDataRate = new MinDataRate(0, TimeSpan.Zero) }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServerOptions { MinResponseDataRate = new MinDataRate(240, TimeSpan.FromSeconds(-1)) }.Validate());
        Assert.NotNull(new ServerOptions { MinRequestBodyDataRate = null, MinResponseDataRate = null }.Validate());
    }
}
