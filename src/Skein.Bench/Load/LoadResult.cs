// LoadResult: what one load run measured. A value; rendering lives in Reports/.
using HdrHistogram;
using Skein.Bench.Latency;

namespace Skein.Bench.Load;

/// <summary>The outcome of a load run.</summary>
/// <param name="Settings">The settings the run used.</param>
/// <param name="Elapsed">Time from the first request to the end of the run.</param>
/// <param name="Requests">Complete responses received (any status).</param>
/// <param name="BytesRead">Bytes received, heads and bodies.</param>
/// <param name="Errors">Failures by kind.</param>
/// <param name="Latency">Latency of each complete response in nanoseconds; under a rate, measured from
/// when the request was scheduled, otherwise from when it was started.</param>
public sealed record LoadResult(LoadSettings Settings, TimeSpan Elapsed, long Requests, long BytesRead, ErrorCounts Errors, HistogramBase Latency)
{
    /// <summary>Complete responses per second.</summary>
    public double RequestsPerSecond => Elapsed > TimeSpan.Zero ? Requests / Elapsed.TotalSeconds : 0;

    /// <summary>Bytes received per second.</summary>
    public double BytesPerSecond => Elapsed > TimeSpan.Zero ? BytesRead / Elapsed.TotalSeconds : 0;

    /// <summary>The latency at <paramref name="percentile"/> in milliseconds.</summary>
    public double LatencyMs(double percentile) => LatencyHistograms.Milliseconds(Latency, percentile);

    /// <summary>The slowest response in milliseconds (to the histogram's precision).</summary>
    public double MaxLatencyMs => LatencyHistograms.Milliseconds(Latency, 100);
}
