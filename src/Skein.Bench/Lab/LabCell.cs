// LabCell: one measurement the lab makes against each server: a workload, a path, a client count and
// a length. A value from the plan; it measures nothing itself (CellRunner does).
namespace Skein.Bench.Lab;

/// <summary>One cell of the lab's table: what is sent to every server, the same way.</summary>
/// <param name="Id">Stable key, e.g. <c>static-keepalive-c10</c>, <c>io-100</c>: file names and JSON use it.</param>
/// <param name="Workload">The experiment it belongs to.</param>
/// <param name="Label">What a reader sees, e.g. "index page, keep-alive, 10 connections".</param>
/// <param name="Path">The path requested.</param>
/// <param name="Clients">Connections (static, rate, mixed) or concurrent clients (io, cpu, comet).</param>
/// <param name="Duration">Length of a timed run (static, rate, mixed), or the deadline for one round of
/// an untimed one (io, cpu, comet): clients not answered by then count as timeouts.</param>
public sealed record LabCell(string Id, LabWorkload Workload, string Label, string Path, int Clients, TimeSpan Duration)
{
    /// <summary>Static: reuse connections; false sends <c>Connection: close</c>.</summary>
    public bool KeepAlive { get; init; } = true;

    /// <summary>Rate: the constant total rate in requests/s.</summary>
    public double? Rate { get; init; }

    /// <summary>Mixed: concurrent <c>/cpu</c> clients running beside the static load.</summary>
    public int CpuClients { get; init; }

    /// <summary>Load threads for the timed runs (the lab's load shares the machine with the server).</summary>
    public int Threads { get; init; } = 1;
}
