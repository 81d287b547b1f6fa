// LabWorkload: the six experiments of `skein lab`, named as on the command line. Names only; what each
// one sends is in LabPlan, how it is measured in CellRunner.
namespace Skein.Bench.Lab;

/// <summary>An experiment the lab runs against every server.</summary>
public enum LabWorkload
{
    /// <summary>The small index page (keep-alive, at several connection counts, and Connection: close) and the 100 KB file, as fast as possible.</summary>
    Static,

    /// <summary>The index page at a constant rate (wrk2 style), latency corrected for coordinated omission.</summary>
    Rate,

    /// <summary>N concurrent <c>/io</c> clients (one second of waiting each): time to the last answer.</summary>
    Io,

    /// <summary>N concurrent <c>/cpu</c> clients against the ideal for the machine's cores.</summary>
    Cpu,

    /// <summary>N long-poll waiters released by one <c>/notify</c>: time to the last answer, memory per waiter.</summary>
    Comet,

    /// <summary><c>/cpu</c> clients and static-page clients at once: head-of-line blocking.</summary>
    Mixed,
}
