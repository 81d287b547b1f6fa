// A pool of N dedicated OS threads that take work items from a BoundedQueue, built by hand so the thread
// count is exactly what the user asked for. It does not use the .NET ThreadPool, Task.Run or Parallel,
// and it knows nothing about sockets: the thread-pool model gives it accepted connections.
using Microsoft.Extensions.Logging;
using Skein.Server.Logging;

namespace Skein.Server.Threading;

/// <summary>N threads looping "take an item, process it" over one bounded queue. A full queue refuses new
/// items at once (<see cref="TryEnqueue"/> returns false), which the caller turns into a quick 503.</summary>
public sealed class WorkerPool<T>
{
    private readonly BoundedQueue<T> _queue;
    private readonly Action<T> _process;
    private readonly ILogger _log;
    private readonly Thread[] _threads;

    /// <summary>Starts <paramref name="workers"/> threads processing items with <paramref name="process"/>.</summary>
    public WorkerPool(string name, int workers, int queueCapacity, Action<T> process, ILogger log)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _queue = new BoundedQueue<T>(queueCapacity);
        _process = process;
        _log = log;
        _threads = new Thread[workers];
        for (var i = 0; i < workers; i++)
        {
            _threads[i] = new Thread(Work) { Name = $"{name}-{i}", IsBackground = true };
            _threads[i].Start();
        }
    }

    /// <summary>Number of worker threads.</summary>
    public int Workers => _threads.Length;

    /// <summary>Queues <paramref name="item"/> for the next free worker; false when the queue is full.</summary>
    public bool TryEnqueue(T item) => _queue.TryAdd(item);

    /// <summary>Accepts no more items; workers finish what is queued, then exit.</summary>
    public void Complete() => _queue.Complete();

    /// <summary>Completes the queue and waits for every worker; false if one is still busy at the deadline.</summary>
    public bool Join(TimeSpan timeout)
    {
        Complete();
        return Threading.Join.All(_threads, timeout, static (thread, left) => thread.Join(left));
    }

    private void Work()
    {
        while (_queue.TryTake(out var item))
        {
            try
            {
                _process(item);
            }
            catch (Exception e)
            {
                // Top of a worker thread: log and keep the worker alive for the next item.
                ServerLog.WorkerItemFailed(_log, Thread.CurrentThread.Name, e);
            }
        }
    }
}
