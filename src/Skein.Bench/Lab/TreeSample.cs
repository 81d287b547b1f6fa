// TreeSample: one reading of a process tree.
namespace Skein.Bench.Lab;

/// <summary>One reading of a process tree.</summary>
/// <param name="CpuSeconds">User + system time of every live process in the tree, plus what the root has
/// collected from children that exited (cutime + cstime), so a process that came and went still counts.</param>
/// <param name="RssBytes">Resident memory summed over the tree.</param>
/// <param name="Threads">Threads summed over the tree.</param>
/// <param name="Processes">Processes in the tree, the root included.</param>
public readonly record struct TreeSample(double CpuSeconds, long RssBytes, int Threads, int Processes);
