// LatencySummary: latency percentiles in milliseconds.
namespace Skein.Bench.Lab;

/// <summary>Latency percentiles in milliseconds.</summary>
public readonly record struct LatencySummary(double P50, double P90, double P99, double P999, double Max);
