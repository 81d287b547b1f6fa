// ProcessTree: what a server costs, read from /proc for its whole process tree (the master and every
// worker it started): CPU seconds, resident memory summed over the tree, threads and processes. A
// sampler thread reads it every few hundred milliseconds while the server runs; a cell takes the
// difference (CPU) or the peak (memory, threads, processes) between its start and its end. Linux only.
// It reads; it never signals a process (LabServer does).
using System.Globalization;

namespace Skein.Bench.Lab;

/// <summary>One reading of a process tree.</summary>
/// <param name="CpuSeconds">User + system time of every live process in the tree, plus what the root has
/// collected from children that exited (cutime + cstime), so a process that came and went still counts.</param>
/// <param name="RssBytes">Resident memory summed over the tree.</param>
/// <param name="Threads">Threads summed over the tree.</param>
/// <param name="Processes">Processes in the tree, the root included.</param>
public readonly record struct TreeSample(double CpuSeconds, long RssBytes, int Threads, int Processes);

/// <summary>A process, identified so that a reused PID is not mistaken for it.</summary>
/// <param name="Pid">Process id.</param>
/// <param name="StartTicks">Start time in clock ticks since boot (field 22 of /proc/PID/stat).</param>
public readonly record struct ProcessIdentity(int Pid, long StartTicks)
{
    /// <summary>True while this very process (not a later one with the same PID) exists.</summary>
    public bool IsAlive => ProcessTree.TryReadStat(Pid, out var stat) && stat.StartTicks == StartTicks && stat.State != 'Z';
}

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

/// <summary>Samples one process tree on a background thread while a server runs.</summary>
public sealed class TreeSampler : IDisposable
{
    private readonly int _root;
    private readonly TimeSpan _interval;
    private readonly Thread _thread;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private TreeSample _last;
    private TreeSample _peak;

    /// <summary>Starts sampling the tree under <paramref name="root"/>.</summary>
    public TreeSampler(int root, TimeSpan interval)
    {
        _root = root;
        _interval = interval;
        _last = ProcessTree.Sample(root, Seen);
        _peak = _last;
        _thread = new Thread(Run) { IsBackground = true, Name = "skein-lab-sampler" };
        _thread.Start();
    }

    /// <summary>Every process seen in the tree so far.</summary>
    public HashSet<ProcessIdentity> Seen { get; } = [];

    /// <summary>Takes a reading now and starts a new peak from it; returns the reading.</summary>
    public TreeSample Mark()
    {
        var sample = Read();
        lock (_gate)
        {
            _peak = sample;
        }
        return sample;
    }

    /// <summary>Takes a reading now; returns it and the peaks of memory, threads and processes since the last <see cref="Mark"/>.</summary>
    public (TreeSample Now, TreeSample Peak) Finish()
    {
        var sample = Read();
        lock (_gate)
        {
            return (sample, _peak);
        }
    }

    /// <summary>Every process of the tree seen so far that still exists.</summary>
    public IReadOnlyList<ProcessIdentity> Alive()
    {
        lock (_gate)
        {
            return [.. Seen.Where(p => p.IsAlive)];
        }
    }

    private TreeSample Read()
    {
        lock (_gate)
        {
            var sample = ProcessTree.Sample(_root, Seen);
            if (sample.Processes > 0)
            {
                _last = sample;
            }
            _peak = new TreeSample(_last.CpuSeconds, Math.Max(_peak.RssBytes, _last.RssBytes), Math.Max(_peak.Threads, _last.Threads), Math.Max(_peak.Processes, _last.Processes));
            return _last;
        }
    }

    private void Run()
    {
        while (!_stop.Token.WaitHandle.WaitOne(_interval))
        {
            Read();
        }
    }

    /// <summary>Stops the sampler thread.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }
}
