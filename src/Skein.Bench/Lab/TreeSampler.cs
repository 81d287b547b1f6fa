// TreeSampler: samples one process tree on a background thread while a server runs.
namespace Skein.Bench.Lab;

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
