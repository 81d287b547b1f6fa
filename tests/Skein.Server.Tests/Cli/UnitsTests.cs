// The one grammar for durations and sizes: units where given, the documented unit for plain numbers, and
// the shortest exact spelling back for help.
using Skein.Cli.Grammar;

namespace Skein.Server.Tests.Cli;

public sealed class UnitsTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("30", 30_000)]
    [InlineData("1.5", 1_500)]
    [InlineData("500ms", 500)]
    [InlineData("500MS", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("10M", 600_000)] // units ignore case: a duration's M is minutes (milliseconds are ms)
    [InlineData(" 0.25s ", 250)]
    [InlineData("0", 0)]
    public void Durations_take_units_and_a_plain_number_is_seconds(string text, long milliseconds)
    {
        Assert.True(Units.TryParseDuration(text, TimeSpan.FromSeconds(1), out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("10x")]
    [InlineData("-1s")]
    [InlineData("1e3")]
    [InlineData("1 s")]
    [InlineData("1.2.3s")]
    public void Durations_reject_what_is_not_one(string text) => Assert.False(Units.TryParseDuration(text, TimeSpan.FromSeconds(1), out _));

    [Theory]
    [InlineData("4096", 4096)]
    [InlineData("64KiB", 64 * 1024)]
    [InlineData("64k", 64 * 1024)]
    [InlineData("64KB", 64 * 1024)]
    [InlineData("10M", 10 * 1024 * 1024)]
    [InlineData("10MiB", 10 * 1024 * 1024)]
    [InlineData("1G", 1024L * 1024 * 1024)]
    [InlineData("1.5K", 1536)]
    [InlineData("12B", 12)]
    public void Sizes_take_binary_units_and_a_plain_number_is_bytes(string text, long bytes)
    {
        Assert.True(Units.TryParseSize(text, 1, out var value));
        Assert.Equal(bytes, value);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("10X")]
    [InlineData("-1")]
    [InlineData("K")]
    [InlineData("99999999999G")]
    public void Sizes_reject_what_is_not_one(string text) => Assert.False(Units.TryParseSize(text, 1, out _));

    [Theory]
    [InlineData(30_000, "30s")]
    [InlineData(500, "500ms")]
    [InlineData(120_000, "2m")]
    [InlineData(75_000, "75s")]
    [InlineData(0, "0s")]
    [InlineData(86_400_000, "1d")]
    public void A_duration_is_shown_in_its_shortest_exact_unit(long milliseconds, string text)
    {
        Assert.Equal(text, Units.FormatDuration(TimeSpan.FromMilliseconds(milliseconds)));
        Assert.True(Units.TryParseDuration(text, TimeSpan.FromSeconds(1), out var back));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), back);
    }

    [Theory]
    [InlineData(8192, "8KiB")]
    [InlineData(1048576, "1MiB")]
    [InlineData(30_000_000, "30000000")]
    [InlineData(0, "0")]
    public void A_size_is_shown_in_its_shortest_exact_unit(long bytes, string text)
    {
        Assert.Equal(text, Units.FormatSize(bytes));
        Assert.True(Units.TryParseSize(text, 1, out var back));
        Assert.Equal(bytes, back);
    }
}
