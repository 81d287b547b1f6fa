// Tests of how the load tools use HdrHistogram: percentiles of a known distribution within the stated
// precision, out-of-range values clamped rather than thrown, merging, and the .hgrm file in the shape
// wrk2 prints (what HdrHistogram's plotter reads). HdrHistogram's own correctness is its authors' to test.
using System.Globalization;
using Skein.Bench.Latency;

namespace Skein.Bench.Tests.Latency;

public sealed class LatencyHistogramsTests
{
    [Fact]
    public void Percentiles_of_an_exponential_sample_are_within_three_significant_digits()
    {
        var random = new Random(5678);
        var samples = new long[200_000];
        var histogram = LatencyHistograms.Create();
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (long)(-250_000 * Math.Log(1 - random.NextDouble())); // mean 250 µs, loopback-like
            LatencyHistograms.Record(histogram, samples[i]);
        }
        Array.Sort(samples);
        foreach (double p in new[] { 50.0, 90, 99, 99.9 })
        {
            double exact = samples[(int)Math.Ceiling(p / 100 * samples.Length) - 1] / 1e6;
            double reported = LatencyHistograms.Milliseconds(histogram, p);
            Assert.InRange(reported, exact * 0.999, exact * 1.001);
        }
        Assert.InRange(LatencyHistograms.Milliseconds(histogram, 100), samples[^1] / 1e6 * 0.999, samples[^1] / 1e6 * 1.001);
    }

    [Fact]
    public void Values_beyond_an_hour_or_below_zero_are_clamped_not_thrown()
    {
        var histogram = LatencyHistograms.Create();
        LatencyHistograms.Record(histogram, long.MaxValue);
        LatencyHistograms.Record(histogram, -5);
        Assert.Equal(2, histogram.TotalCount);
        Assert.InRange(LatencyHistograms.Milliseconds(histogram, 100), 3_600_000 * 0.99, 3_600_000 * 1.01);
    }

    [Fact]
    public void Merged_histograms_answer_like_one_histogram_of_all_values()
    {
        var all = LatencyHistograms.Create();
        var a = LatencyHistograms.Create();
        var b = LatencyHistograms.Create();
        for (long v = 1_000; v <= 2_000_000; v += 997)
        {
            LatencyHistograms.Record(all, v);
            LatencyHistograms.Record(v % 2 == 0 ? a : b, v);
        }
        a.Add(b);
        Assert.Equal(all.TotalCount, a.TotalCount);
        foreach (double p in new[] { 1.0, 50, 99, 100 })
        {
            Assert.Equal(LatencyHistograms.Milliseconds(all, p), LatencyHistograms.Milliseconds(a, p));
        }
    }

    [Fact]
    public void Hgrm_output_has_wrk2s_columns_in_milliseconds_and_ends_at_100_percent()
    {
        var histogram = LatencyHistograms.Create();
        for (int i = 1; i <= 1000; i++)
        {
            LatencyHistograms.Record(histogram, i * 10_000L); // 0.01 ms .. 10 ms
        }
        var text = new StringWriter(CultureInfo.InvariantCulture);
        LatencyHistograms.WriteHgrm(histogram, text);
        var lines = text.ToString().Split('\n', StringSplitOptions.TrimEntries);

        Assert.Equal("Value     Percentile TotalCount 1/(1-Percentile)", lines[0]);
        // A blank line after the header, as wrk2 prints it; then one row per percentile step.
        Assert.Equal("", lines[1]);
        var rows = lines.Skip(2).TakeWhile(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => (Value: double.Parse(f[0], CultureInfo.InvariantCulture), Percentile: double.Parse(f[1], CultureInfo.InvariantCulture), Count: long.Parse(f[2], CultureInfo.InvariantCulture)))
            .ToList();
        Assert.True(rows.Count > 20, $"{rows.Count} rows");
        Assert.Equal(rows.OrderBy(r => r.Value).ThenBy(r => r.Percentile).ToList(), rows);
        Assert.InRange(rows[0].Value, 0.0099, 0.0101);
        Assert.InRange(rows[^1].Value, 9.99, 10.01);
        Assert.Equal(1.0, rows[^1].Percentile);
        Assert.Equal(1000, rows[^1].Count);
        Assert.Contains(lines, l => l.StartsWith("#[Mean", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("#[Max", StringComparison.Ordinal) && l.Contains("Total count", StringComparison.Ordinal));
    }

    [Fact]
    public void An_empty_run_still_writes_a_readable_hgrm_file()
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        LatencyHistograms.WriteHgrm(LatencyHistograms.Create(), text);
        Assert.StartsWith("       Value     Percentile TotalCount 1/(1-Percentile)", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("Total count    =            0", text.ToString(), StringComparison.Ordinal);
    }
}
