// StopOutcome: how a server's stop went.
namespace Skein.Bench.Lab;

/// <summary>How a server's stop went.</summary>
/// <param name="ExitCode">Its exit code, or null if it had to be killed.</param>
/// <param name="Elapsed">From the stop signal to its exit.</param>
/// <param name="Leftovers">Processes of its tree still alive after it exited (killed by the lab).</param>
/// <param name="ProcessesSeen">Every process its tree ever had.</param>
public sealed record StopOutcome(int? ExitCode, TimeSpan Elapsed, IReadOnlyList<ProcessIdentity> Leftovers, IReadOnlyList<ProcessIdentity> ProcessesSeen)
{
    /// <summary>Exit code 0 and nothing left behind.</summary>
    public bool Clean => ExitCode == 0 && Leftovers.Count == 0;
}
