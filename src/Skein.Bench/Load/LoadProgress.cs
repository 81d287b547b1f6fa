// LoadProgress: a snapshot of a running load, for a progress bar. Not a result: counts are approximate
// (read without locks while the load threads write them).
namespace Skein.Bench.Load;

/// <summary>Where a running load stands.</summary>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Duration">Planned length of the run.</param>
/// <param name="Requests">Responses so far.</param>
/// <param name="Errors">Failures so far (all kinds).</param>
public readonly record struct LoadProgress(TimeSpan Elapsed, TimeSpan Duration, long Requests, long Errors);
