// One event loop: a thread pumping a LoopSynchronizationContext forever, running every piece of work
// spawned on it and every continuation of that work. It does not accept connections or know HTTP: the
// async model spawns connection loops on it; EventLoopGroup spreads them round-robin.
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Skein.Server.Logging;

namespace Skein.Server.Threading;

/// <summary>
/// A single-threaded event loop (Netty's <c>EventLoop</c>, asyncio's loop). Work spawned here runs on the
/// loop thread, and so do its continuations, because the loop's <see cref="LoopSynchronizationContext"/> is
/// current when it awaits. A connection spawned on a loop stays on it for life. A CPU-bound handler blocks
/// every other connection of its loop: that is the model, not a bug.
/// </summary>
public sealed class EventLoop : IDisposable
{
    private readonly LoopSynchronizationContext _context = new();
    private readonly Thread _thread;
    private readonly ILogger _log;
    private int _active;            // touched only on the loop thread
    private volatile bool _stopping;

    /// <summary>Creates and starts loop number <paramref name="index"/>.</summary>
    public EventLoop(int index, ILogger log)
    {
        Index = index;
        _log = log;
        _thread = new Thread(Pump) { Name = $"loop-{index}", IsBackground = true };
        _thread.Start();
    }

    /// <summary>The loop's number within its group.</summary>
    public int Index { get; }

    /// <summary>True when called on this loop's thread.</summary>
    public bool InLoop => _context.InLoop;

    /// <summary>The loop's context, for code that wants to post plain callbacks.</summary>
    public SynchronizationContext Context => _context;

    /// <summary>Runs <paramref name="work"/> on the loop thread; the loop counts it until it completes and
    /// logs it if it throws (so nothing is fire-and-forget). Safe from any thread.</summary>
    public void Spawn(Func<ValueTask> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        _context.Post(static state =>
        {
            var (loop, w) = ((EventLoop, Func<ValueTask>))state!;
            loop.Start(w);
        }, (this, work));
    }

    /// <summary>Asks the loop to exit once every spawned piece of work has completed.</summary>
    public void Stop()
    {
        _stopping = true;
        _context.Wake();
    }

    /// <summary>Waits for the loop thread to exit; false if it did not within <paramref name="timeout"/>.</summary>
    public bool Join(TimeSpan timeout) => _thread.Join(timeout);

    /// <summary>Stops the loop and waits briefly for it.</summary>
    public void Dispose()
    {
        Stop();
        Join(TimeSpan.FromSeconds(1));
    }

    private void Start(Func<ValueTask> work)
    {
        Debug.Assert(InLoop);
        _active++;
        _ = TrackAsync(work);
    }

    private async Task TrackAsync(Func<ValueTask> work)
    {
        try
        {
            await work();
        }
        catch (Exception e)
        {
            // Top of a unit of loop work: the only catch-all here, and it logs.
            ServerLog.LoopWorkFailed(_log, Index, e);
        }
        finally
        {
            _active--;
        }
    }

    private void Pump()
    {
        try
        {
            _context.RunUntil(() => _stopping && _active == 0);
        }
        catch (Exception e)
        {
            ServerLog.LoopWorkFailed(_log, Index, e);
        }
    }
}
