// The clock handed to the application (SiteOptions.TimeProvider): the system's, except that a timer created on
// an event loop's thread is one of that loop's timers. A handler's Task.Delay(d, time) on a loop (/io's 1 s wait,
// --delay) then fires on the loop itself, in its epoll_wait timeout, and the handler resumes right there; with
// the system's timers each expiry is a thread-pool callback that posts the continuation back to the loop (a
// lock, a queue and an eventfd write to wake it). It does not change what time it is.
using System.Diagnostics;

namespace Skein.Server.Threading;

/// <summary>
/// <see cref="TimeProvider.System"/>, with timers that belong to the event loop creating them: created on a loop
/// thread (<see cref="EventLoop.Current"/>), a timer fires on that loop's thread; created anywhere else, it is a
/// system timer. Safe to use from any thread: changing or disposing a loop's timer from another thread is posted
/// to its loop.
/// </summary>
public sealed class LoopTimeProvider : TimeProvider
{
    private LoopTimeProvider()
    {
    }

    /// <summary>The one instance (it holds no state).</summary>
    public static LoopTimeProvider Instance { get; } = new();

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (EventLoop.Current is not { } loop)
        {
            return System.CreateTimer(callback, state, dueTime, period);
        }
        var timer = new Timer(loop, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    // An ITimer over a LoopTimer. ITimer's members may be called from any thread (Task.Delay disposes its timer
    // from the thread that cancels it); the LoopTimer is touched on its loop only.
    private sealed class Timer : ITimer
    {
        private readonly EventLoop _loop;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private readonly LoopTimer _timer;
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        private bool _disposed;

        public Timer(EventLoop loop, TimerCallback callback, object? state)
        {
            _loop = loop;
            _callback = callback;
            _state = state;
            _timer = loop.CreateTimer(static self => ((Timer)self!).Fire(), this);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (!_loop.InLoop)
            {
                _loop.Post(static s =>
                {
                    var (timer, due, every) = ((Timer, TimeSpan, TimeSpan))s!;
                    timer.Change(due, every);
                }, (this, dueTime, period));
                return true;
            }
            if (_disposed)
            {
                return false;
            }
            _period = period;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                _timer.Cancel();
            }
            else
            {
                _timer.Schedule(dueTime);
            }
            return true;
        }

        public void Dispose()
        {
            if (!_loop.InLoop)
            {
                _loop.Post(static s => ((Timer)s!).Dispose(), this);
                return;
            }
            _disposed = true;
            _timer.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private void Fire()
        {
            Debug.Assert(_loop.InLoop);
            if (_disposed)
            {
                return;
            }
            if (_period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
            {
                _timer.Schedule(_period);
            }
            _callback(_state);
        }
    }
}
