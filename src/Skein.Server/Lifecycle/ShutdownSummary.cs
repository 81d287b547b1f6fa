// What a graceful shutdown did, for its last log line: how long it took, and of the requests in flight when
// it began, how many finished and how many were cut at the deadline. A value; ShutdownCoordinator makes it.
namespace Skein.Server.Lifecycle;

/// <summary>The outcome of a graceful shutdown.</summary>
/// <param name="Elapsed">From the shutdown request until the connections were gone.</param>
/// <param name="Finished">Requests in flight at the request that completed.</param>
/// <param name="Cut">Requests aborted at the deadline.</param>
/// <param name="Deadline">The time in-flight requests were given (--shutdown-timeout).</param>
public readonly record struct ShutdownSummary(TimeSpan Elapsed, int Finished, int Cut, TimeSpan Deadline);
