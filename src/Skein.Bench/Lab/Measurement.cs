// Measurement: the figures of one cell against one server in one round, and the median over rounds.
// Values only: CellRunner fills them in, the report renders them.
using HdrHistogram;
using Skein.Bench.Load;

namespace Skein.Bench.Lab;

/// <summary>The figures of one cell, one server, one round (or their medians).</summary>
public sealed record Measurement
{
    /// <summary>Complete responses.</summary>
    public long Requests { get; init; }

    /// <summary>Complete responses per second (for io/cpu/comet: answered clients over the time to the last answer).</summary>
    public double RequestsPerSecond { get; init; }

    /// <summary>Latency percentiles (io/cpu/comet: each client's time to its answer).</summary>
    public LatencySummary Latency { get; init; }

    /// <summary>Failures by kind.</summary>
    public ErrorCounts Errors { get; init; }

    /// <summary>The server's cost during the cell (zero for an external server).</summary>
    public ServerCost Server { get; init; }

    /// <summary>io, cpu, comet: from the common start (comet: from /notify) to the last answer, in ms.</summary>
    public double? TotalMs { get; init; }

    /// <summary>cpu: the ideal total for this many clients on this machine's cores, in ms.</summary>
    public double? IdealMs { get; init; }

    /// <summary>comet: the server's resident memory per waiting client, in bytes.</summary>
    public double? MemoryPerClientBytes { get; init; }

    /// <summary>mixed: requests/s of the /cpu clients running beside the static load.</summary>
    public double? CpuRequestsPerSecond { get; init; }

    /// <summary>The latency histogram of a timed run (not written to JSON; merged into the .hgrm files).</summary>
    public HistogramBase? Histogram { get; init; }

    /// <summary>The median of each figure over <paramref name="rounds"/> (each figure on its own).</summary>
    public static Measurement Median(IReadOnlyList<Measurement> rounds)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        if (rounds.Count == 1)
        {
            return rounds[0];
        }
        double M(Func<Measurement, double> f) => MedianOf(rounds.Select(f));
        double? N(Func<Measurement, double?> f) => rounds.All(r => f(r) is null) ? null : MedianOf(rounds.Where(r => f(r) is not null).Select(r => f(r)!.Value));
        long L(Func<Measurement, long> f) => (long)Math.Round(MedianOf(rounds.Select(r => (double)f(r))));
        return new Measurement
        {
            Requests = L(r => r.Requests),
            RequestsPerSecond = M(r => r.RequestsPerSecond),
            Latency = new LatencySummary(M(r => r.Latency.P50), M(r => r.Latency.P90), M(r => r.Latency.P99), M(r => r.Latency.P999), M(r => r.Latency.Max)),
            Errors = new ErrorCounts(L(r => r.Errors.Connect), L(r => r.Errors.Read), L(r => r.Errors.Write), L(r => r.Errors.Timeout), L(r => r.Errors.Non2xx)),
            Server = new ServerCost(M(r => r.Server.CpuSeconds), L(r => r.Server.PeakRssBytes), (int)L(r => r.Server.PeakThreads), (int)L(r => r.Server.PeakProcesses)),
            TotalMs = N(r => r.TotalMs),
            IdealMs = N(r => r.IdealMs),
            MemoryPerClientBytes = N(r => r.MemoryPerClientBytes),
            CpuRequestsPerSecond = N(r => r.CpuRequestsPerSecond),
            Histogram = Merge(rounds),
        };
    }

    private static HistogramBase? Merge(IReadOnlyList<Measurement> rounds)
    {
        HistogramBase? all = null;
        foreach (var h in rounds.Select(r => r.Histogram).OfType<HistogramBase>())
        {
            all ??= Skein.Bench.Latency.LatencyHistograms.Create();
            all.Add(h);
        }
        return all;
    }

    /// <summary>The median of <paramref name="values"/> (the mean of the middle two for an even count).</summary>
    public static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return 0;
        }
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
