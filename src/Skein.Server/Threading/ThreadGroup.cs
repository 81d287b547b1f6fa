// The set of OS threads a model started for connections (thread-per-connection), so shutdown can join
// every one of them. It does not pool or reuse threads; each started thread runs one action and ends.
using Microsoft.Extensions.Logging;
using Skein.Server.Logging;

namespace Skein.Server.Threading;

/// <summary>Starts named threads and waits for all of them to finish. Finished threads are forgotten, so a
/// long-running server does not accumulate them.</summary>
public sealed class ThreadGroup(ILogger log) : IDisposable
{
    /// <summary>Stack size of connection threads: 256 KiB rather than the 1.5 MiB default, so thousands of
    /// mostly-idle connection threads (comet) cost address space, not memory. The request path is shallow.</summary>
    public const int ConnectionStackSize = 256 * 1024;

    private readonly object _gate = new();
    private readonly ManualResetEventSlim _allDone = new(initialState: true);
    private int _running;

    /// <summary>Threads running now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Starts a new OS thread named <paramref name="name"/> running <paramref name="action"/>.
    /// An exception escaping the action is logged; the thread then ends.</summary>
    public void Start(string name, Action action)
    {
        lock (_gate)
        {
            if (_running++ == 0)
            {
                _allDone.Reset();
            }
        }
        var thread = new Thread(() => RunOne(action), ConnectionStackSize) { Name = name, IsBackground = true };
        try
        {
            thread.Start();
        }
        catch (OutOfMemoryException)
        {
            Finished();
            throw;
        }
    }

    /// <summary>Waits until every started thread has finished; false if some are still running at the deadline.</summary>
    public bool JoinAll(TimeSpan timeout) => _allDone.Wait(timeout);

    /// <summary>Releases the wait handle.</summary>
    public void Dispose() => _allDone.Dispose();

    private void RunOne(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            // Top of a connection thread: log, never take the process down.
            ServerLog.WorkerItemFailed(log, Thread.CurrentThread.Name, e);
        }
        finally
        {
            Finished();
        }
    }

    private void Finished()
    {
        lock (_gate)
        {
            if (--_running == 0)
            {
                _allDone.Set();
            }
        }
    }
}
