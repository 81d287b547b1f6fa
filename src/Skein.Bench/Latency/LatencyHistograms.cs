// LatencyHistograms: how the load tools use HdrHistogram (the HdrHistogram package, Gil Tene's design as
// wrk2 uses it): one histogram per load thread, values in nanoseconds, 3 significant digits, merged at
// the end, and written out as a wrk2-compatible percentile distribution (.hgrm) that HdrHistogram's
// plotter reads. It records and renders; it does not measure time.
using System.Globalization;
using HdrHistogram;

namespace Skein.Bench.Latency;

/// <summary>Creating, filling and writing the latency histograms of the load tools.</summary>
public static class LatencyHistograms
{
    /// <summary>Largest latency tracked: one hour in nanoseconds; slower values are recorded as one hour.</summary>
    public const long HighestTrackableNanoseconds = 3_600_000_000_000;

    /// <summary>Precision: 3 significant digits (a value is known to within 0.1%), as wrk2 records.</summary>
    public const int SignificantDigits = 3;

    /// <summary>Nanoseconds per millisecond: the .hgrm file is in milliseconds, like wrk2's.</summary>
    private const double NanosecondsPerMillisecond = 1e6;

    /// <summary>Percentile ticks per half distance to 100%: 5, what wrk2 prints with --latency.</summary>
    private const int PercentileTicksPerHalfDistance = 5;

    /// <summary>An empty histogram of nanoseconds from 1 ns to one hour.</summary>
    public static HistogramBase Create() => new LongHistogram(1, HighestTrackableNanoseconds, SignificantDigits);

    /// <summary>Records <paramref name="nanoseconds"/>, clamped into the trackable range (HdrHistogram throws
    /// on a value above it; a negative one comes only from a clock step and counts as 0).</summary>
    public static void Record(HistogramBase histogram, long nanoseconds)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        histogram.RecordValue(Math.Clamp(nanoseconds, 0, HighestTrackableNanoseconds));
    }

    /// <summary>The value at <paramref name="percentile"/> in milliseconds (0 when empty). 100 gives the maximum.</summary>
    public static double Milliseconds(HistogramBase histogram, double percentile)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        if (histogram.TotalCount == 0)
        {
            return 0;
        }
        return (percentile >= 100 ? histogram.GetMaxValue() : histogram.GetValueAtPercentile(percentile)) / NanosecondsPerMillisecond;
    }

    /// <summary>Mean in milliseconds (0 when empty).</summary>
    public static double MeanMilliseconds(HistogramBase histogram) =>
        histogram is { TotalCount: > 0 } ? histogram.GetMean() / NanosecondsPerMillisecond : 0;

    /// <summary>Standard deviation in milliseconds (0 when empty).</summary>
    public static double StandardDeviationMilliseconds(HistogramBase histogram) =>
        histogram is { TotalCount: > 0 } ? histogram.GetStdDeviation() / NanosecondsPerMillisecond : 0;

    /// <summary>
    /// Writes the percentile distribution in the format wrk2 prints after "Detailed Percentile spectrum"
    /// (value in milliseconds, percentile, total count, 1/(1-percentile), then the mean/max summary), which
    /// HdrHistogram's plotter (hdrhistogram.github.io/HdrHistogram/plotFiles.html) reads as an .hgrm file.
    /// </summary>
    public static void WriteHgrm(HistogramBase histogram, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        ArgumentNullException.ThrowIfNull(output);
        if (histogram.TotalCount == 0)
        {
            // HdrHistogram divides by the count; an empty run still gets a readable file.
            output.WriteLine("       Value     Percentile TotalCount 1/(1-Percentile)");
            output.WriteLine();
            output.WriteLine("#[Mean    =        0.000, StdDeviation   =        0.000]");
            output.WriteLine("#[Max     =        0.000, Total count    =            0]");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"#[Buckets = {0,12}, SubBuckets     = {0,12}]"));
            return;
        }
        histogram.OutputPercentileDistribution(output, PercentileTicksPerHalfDistance, NanosecondsPerMillisecond);
    }

    /// <summary>Writes the .hgrm file at <paramref name="path"/> (see <see cref="WriteHgrm(HistogramBase, TextWriter)"/>).</summary>
    public static void WriteHgrm(HistogramBase histogram, string path)
    {
        using var writer = new StreamWriter(path);
        WriteHgrm(histogram, writer);
    }
}
