// ProcessTree: what a server costs, read from /proc for its whole process tree (the master and every
// worker it started): CPU seconds, resident memory summed over the tree, threads and processes. A
// sampler thread reads it every few hundred milliseconds while the server runs; a cell takes the
// difference (CPU) or the peak (memory, threads, processes) between its start and its end. Linux only.
// It reads; it never signals a process (LabServer does).
using System.Globalization;

namespace Skein.Bench.Lab;

/// <summary>Reads process trees from /proc.</summary>
public static class ProcessTree
{
    /// <summary>USER_HZ: the unit of the times in /proc/PID/stat; 100 on every Linux architecture .NET runs on.</summary>
    private const double ClockTicksPerSecond = 100;

    /// <summary>Reads the tree rooted at <paramref name="root"/> once; <paramref name="seen"/> collects
    /// every process met, for the leftover check after the server stops.</summary>
    public static TreeSample Sample(int root, ISet<ProcessIdentity>? seen = null)
    {
        var stats = new Dictionary<int, Stat>();
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || !TryReadStat(pid, out var stat))
            {
                continue;
            }
            stats[pid] = stat;
            if (!children.TryGetValue(stat.ParentPid, out var list))
            {
                children[stat.ParentPid] = list = [];
            }
            list.Add(pid);
        }
        if (!stats.TryGetValue(root, out var rootStat))
        {
            return default;
        }
        double ticks = rootStat.ChildrenTicks;
        long pages = 0;
        int threads = 0, processes = 0;
        var queue = new Queue<int>();
        queue.Enqueue(root);
        while (queue.TryDequeue(out int pid))
        {
            var stat = stats[pid];
            ticks += stat.OwnTicks;
            pages += stat.RssPages;
            threads += stat.Threads;
            processes++;
            seen?.Add(new ProcessIdentity(pid, stat.StartTicks));
            if (children.TryGetValue(pid, out var list))
            {
                foreach (int child in list)
                {
                    queue.Enqueue(child);
                }
            }
        }
        return new TreeSample(ticks / ClockTicksPerSecond, pages * Environment.SystemPageSize, threads, processes);
    }

    /// <summary>The fields of /proc/PID/stat the lab uses.</summary>
    internal readonly record struct Stat(char State, int ParentPid, long OwnTicks, long ChildrenTicks, int Threads, long StartTicks, long RssPages);

    /// <summary>Reads /proc/PID/stat; false when the process is gone (or never was).</summary>
    internal static bool TryReadStat(int pid, out Stat stat)
    {
        stat = default;
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // exited between the directory listing and the read
        }
        // proc(5): "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so split after the last ')'.
        int close = text.LastIndexOf(')');
        if (close < 0)
        {
            return false;
        }
        var f = text[(close + 2)..].Split(' ');
        // f[0] is field 3 (state); field n is f[n - 3].
        if (f.Length < 22)
        {
            return false;
        }
        long Field(int n) => long.Parse(f[n - 3], CultureInfo.InvariantCulture);
        stat = new Stat(f[0][0], (int)Field(4), Field(14) + Field(15), Field(16) + Field(17), (int)Field(20), Field(22), Field(24));
        return true;
    }
}
