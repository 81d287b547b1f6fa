// ServerCost: what the server's process tree cost during a cell.
namespace Skein.Bench.Lab;

/// <summary>What the server's process tree cost during a cell.</summary>
/// <param name="CpuSeconds">CPU time (user + system) of the whole tree during the cell.</param>
/// <param name="PeakRssBytes">Highest resident memory summed over master and workers.</param>
/// <param name="PeakThreads">Most threads at once, summed over the tree.</param>
/// <param name="PeakProcesses">Most processes at once in the tree.</param>
public readonly record struct ServerCost(double CpuSeconds, long PeakRssBytes, int PeakThreads, int PeakProcesses);
