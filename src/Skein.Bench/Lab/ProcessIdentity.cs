// ProcessIdentity: a process, identified so that a reused PID is not mistaken for it.
namespace Skein.Bench.Lab;

/// <summary>A process, identified so that a reused PID is not mistaken for it.</summary>
/// <param name="Pid">Process id.</param>
/// <param name="StartTicks">Start time in clock ticks since boot (field 22 of /proc/PID/stat).</param>
public readonly record struct ProcessIdentity(int Pid, long StartTicks)
{
    /// <summary>True while this very process (not a later one with the same PID) exists.</summary>
    public bool IsAlive => ProcessTree.TryReadStat(Pid, out var stat) && stat.StartTicks == StartTicks && stat.State != 'Z';
}
