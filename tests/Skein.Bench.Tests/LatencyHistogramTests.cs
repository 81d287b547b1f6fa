// Tests of LatencyHistogram against distributions whose percentiles are known exactly (computed by
// sorting the same samples): every reported percentile must be within the stated precision (3
// significant digits: at or above the true value and at most 1/1024 of it higher).
namespace Skein.Bench.Tests;

public sealed class LatencyHistogramTests
{
    private static readonly double[] Percentiles = [0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100];

    [Fact]
    public void Uniform_percentiles_are_within_three_significant_digits()
    {
        var random = new Random(1234);
        var samples = new long[200_000];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = random.NextInt64(1, 10_000_000_000); // 1 ns .. 10 s
        }
        AssertPercentilesWithinPrecision(samples);
    }

    [Fact]
    public void Exponential_percentiles_are_within_three_significant_digits()
    {
        var random = new Random(5678);
        var samples = new long[200_000];
        const double meanNs = 250_000; // 250 µs, a loopback-like latency
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (long)(-meanNs * Math.Log(1 - random.NextDouble()));
        }
        AssertPercentilesWithinPrecision(samples);
    }

    [Fact]
    public void Exponential_tail_matches_the_analytic_quantile()
    {
        // For an exponential with mean m, the p-quantile is -m ln(1 - p). With 10^6 samples the sample
        // quantile is close to it; the histogram must agree to within sampling noise (2%).
        var random = new Random(42);
        var histogram = new LatencyHistogram();
        const double mean = 1_000_000;
        for (int i = 0; i < 1_000_000; i++)
        {
            histogram.Record((long)(-mean * Math.Log(1 - random.NextDouble())));
        }
        foreach (double p in new[] { 50.0, 90, 99 })
        {
            double expected = -mean * Math.Log(1 - (p / 100));
            double actual = histogram.ValueAtPercentile(p);
            Assert.InRange(actual, expected * 0.98, expected * 1.02);
        }
        Assert.InRange(histogram.Mean, mean * 0.99, mean * 1.01);
    }

    [Fact]
    public void Small_values_are_exact()
    {
        var histogram = new LatencyHistogram();
        for (long v = 0; v < 2048; v++)
        {
            histogram.Record(v);
            Assert.Equal(v, histogram.HighestEquivalentValue(v));
        }
        Assert.Equal(1023, histogram.ValueAtPercentile(50));
        Assert.Equal(2047, histogram.ValueAtPercentile(100));
    }

    [Fact]
    public void Merged_histograms_equal_one_histogram_of_all_values()
    {
        var random = new Random(7);
        var all = new LatencyHistogram();
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        for (int i = 0; i < 50_000; i++)
        {
            long v = random.NextInt64(1, 1_000_000_000);
            all.Record(v);
            (i % 3 == 0 ? a : b).Record(v);
        }
        a.Add(b);
        Assert.Equal(all.TotalCount, a.TotalCount);
        Assert.Equal(all.Max, a.Max);
        Assert.Equal(all.Min, a.Min);
        foreach (double p in Percentiles)
        {
            Assert.Equal(all.ValueAtPercentile(p), a.ValueAtPercentile(p));
        }
    }

    [Fact]
    public void Values_above_the_ceiling_are_clamped_and_counted()
    {
        var histogram = new LatencyHistogram(highestTrackableValue: 1_000_000);
        histogram.Record(5_000_000);
        histogram.Record(10);
        Assert.Equal(1, histogram.ClampedCount);
        Assert.Equal(1_000_000, histogram.Max);
        Assert.Equal(1_000_000, histogram.ValueAtPercentile(100));
    }

    [Fact]
    public void Empty_histogram_reports_zero()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(0, histogram.ValueAtPercentile(99));
        Assert.Equal(0, histogram.Mean);
        Assert.Equal(0, histogram.TotalCount);
    }

    private static void AssertPercentilesWithinPrecision(long[] samples)
    {
        var histogram = new LatencyHistogram();
        foreach (long v in samples)
        {
            histogram.Record(v);
        }
        var sorted = (long[])samples.Clone();
        Array.Sort(sorted);
        Assert.Equal(samples.Length, histogram.TotalCount);
        Assert.Equal(sorted[0], histogram.Min);
        Assert.Equal(sorted[^1], histogram.Max);
        foreach (double p in Percentiles)
        {
            // Nearest-rank definition, the one the histogram documents.
            long rank = Math.Max(1, (long)Math.Ceiling(p / 100 * sorted.Length));
            long exact = sorted[rank - 1];
            long reported = histogram.ValueAtPercentile(p);
            Assert.True(reported >= exact, $"p{p}: reported {reported} below exact {exact}");
            Assert.True(reported - exact <= Math.Max(1, exact / 1024.0), $"p{p}: reported {reported}, exact {exact}: off by more than 1/1024");
        }
    }
}
