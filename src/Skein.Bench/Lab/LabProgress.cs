// LabProgress: where a running lab stands, for a progress display.
namespace Skein.Bench.Lab;

/// <summary>Where a running lab stands, for a progress display.</summary>
/// <param name="Message">What just happened, one line.</param>
/// <param name="Round">Current round, from 1.</param>
/// <param name="Rounds">Rounds in the run.</param>
/// <param name="Target">Server being measured.</param>
/// <param name="Cell">Cell being measured, or null between cells.</param>
/// <param name="Fraction">Share of the run done, 0 to 1.</param>
/// <param name="Remaining">Estimated time left.</param>
public readonly record struct LabProgress(string Message, int Round, int Rounds, string Target, string? Cell, double Fraction, TimeSpan Remaining);
