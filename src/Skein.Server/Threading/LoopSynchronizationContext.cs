// A SynchronizationContext that runs every continuation on one thread, the one that pumps it. It is the
// heart of both the event loop (pumped forever) and the blocking models (pumped until one connection is
// done). It is not a scheduler with priorities or timers: a FIFO queue, a lock and a wake-up.
using System.Diagnostics;

namespace Skein.Server.Threading;

/// <summary>
/// Runs posted callbacks, in order, on the thread that calls <see cref="RunUntil(Func{bool})"/>. Code awaiting
/// while this context is current (without <c>ConfigureAwait(false)</c>) resumes on that thread.
/// A blocking model uses <see cref="Run"/>: while every await completes synchronously the work runs straight
/// through; when a handler truly awaits, the thread waits for the continuation, holding the thread for the
/// whole request (the textbook cost of a thread model). Never block on a task from inside the loop: the
/// continuation it needs is queued behind you.
/// </summary>
public sealed class LoopSynchronizationContext : SynchronizationContext
{
    private readonly object _gate = new();
    private Queue<(SendOrPostCallback Callback, object? State)> _pending = new();
    private Queue<(SendOrPostCallback Callback, object? State)> _running = new();
    private int _threadId = -1;
    private bool _sleeping;

    /// <summary>True on the thread currently pumping this context.</summary>
    public bool InLoop => Environment.CurrentManagedThreadId == Volatile.Read(ref _threadId);

    /// <summary>Queues <paramref name="d"/> to run on the loop thread. Safe from any thread.</summary>
    public override void Post(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        lock (_gate)
        {
            _pending.Enqueue((d, state));
            if (_sleeping)
            {
                Monitor.Pulse(_gate);
            }
        }
    }

    /// <summary>Runs <paramref name="d"/> on the loop thread and waits for it (inline when already there).</summary>
    public override void Send(SendOrPostCallback d, object? state) => SendAndWait(this, InLoop, d, state);

    /// <summary>What Send means for a context bound to one thread (this one, and the epoll loop's): runs
    /// <paramref name="d"/> inline when the caller is that thread, otherwise posts it and waits; an exception
    /// it throws is rethrown to the caller, wrapped.</summary>
    internal static void SendAndWait(SynchronizationContext context, bool onItsThread, SendOrPostCallback d, object? state)
    {
        if (onItsThread)
        {
            d(state);
            return;
        }
        using var done = new ManualResetEventSlim();
        Exception? error = null;
        context.Post(_ =>
        {
            try
            {
                d(state);
            }
            catch (Exception e)
            {
                error = e;
            }
            finally
            {
                done.Set();
            }
        }, null);
        done.Wait();
        if (error is not null)
        {
            throw new InvalidOperationException("A callback sent to the loop failed.", error);
        }
    }

    /// <summary>The context is bound to its loop thread: copies are the same context.</summary>
    public override SynchronizationContext CreateCopy() => this;

    /// <summary>
    /// Makes this the current context of the calling thread and runs queued callbacks until
    /// <paramref name="done"/> returns true (checked after every callback and before sleeping). Whoever
    /// changes what <paramref name="done"/> looks at from another thread must <see cref="Wake"/> the loop.
    /// </summary>
    public void RunUntil(Func<bool> done)
    {
        ArgumentNullException.ThrowIfNull(done);
        var previous = Current;
        var previousThread = Interlocked.Exchange(ref _threadId, Environment.CurrentManagedThreadId);
        Debug.Assert(previousThread == -1 || previousThread == Environment.CurrentManagedThreadId, "one thread pumps a loop");
        SetSynchronizationContext(this);
        try
        {
            while (!done())
            {
                lock (_gate)
                {
                    while (_pending.Count == 0)
                    {
                        if (done())
                        {
                            return;
                        }
                        _sleeping = true;
                        Monitor.Wait(_gate);
                        _sleeping = false;
                    }
                    // Swap queues so callbacks run without the lock and new posts do not wait for them.
                    (_pending, _running) = (_running, _pending);
                }
                while (_running.TryDequeue(out var item))
                {
                    item.Callback(item.State);
                }
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
            Volatile.Write(ref _threadId, previousThread);
        }
    }

    /// <summary>Wakes the loop so it re-checks its exit condition.</summary>
    public void Wake()
    {
        lock (_gate)
        {
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the calling thread with a fresh loop context and pumps it until the
    /// work completes; rethrows its exception. This is how a blocking model runs the one (async) connection
    /// loop: no <c>GetAwaiter().GetResult()</c> on an incomplete task, which would deadlock here.
    /// </summary>
    public static void Run(Func<ValueTask> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var context = new LoopSynchronizationContext();
        var previous = Current;
        SetSynchronizationContext(context);
        ValueTask pending;
        try
        {
            pending = work();
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
        if (pending.IsCompleted)
        {
            pending.GetAwaiter().GetResult(); // already complete: observes the result, never blocks
            return;
        }
        var task = pending.AsTask();
        task.ContinueWith(static (_, state) => ((LoopSynchronizationContext)state!).Wake(), context,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        context.RunUntil(() => task.IsCompleted);
        task.GetAwaiter().GetResult(); // complete: rethrows the work's exception, if any
    }
}
