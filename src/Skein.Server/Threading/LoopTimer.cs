// One timer of one event loop: a deadline and a callback that runs on the loop thread when it passes. It is
// what every wait of the loop's connections is bounded by (header, keep-alive and body timeouts, lingering
// close), so it is built for being re-armed on every request: arming it later than it was armed costs no
// heap operation at all (nginx's timers are a red-black tree with the same laziness, NGX_TIMER_LAZY_DELAY).
// It is not thread-safe: only the loop thread touches it.
using System.Diagnostics;

namespace Skein.Server.Threading;

/// <summary>
/// A timer of an <see cref="EventLoop"/>, created with <see cref="EventLoop.CreateTimer"/>. It fires at most once
/// per <see cref="Schedule"/>, on the loop thread, some milliseconds after its deadline at worst (the loop reads
/// its clock once per turn). All members must be called on the loop thread.
/// </summary>
public sealed class LoopTimer : IDisposable
{
    /// <summary>A deadline that never comes: the timer is not armed.</summary>
    internal const long Never = long.MaxValue;

    private readonly EventLoop _loop;
    private readonly Action<object?> _callback;
    private readonly object? _state;

    internal LoopTimer(EventLoop loop, Action<object?> callback, object? state)
    {
        _loop = loop;
        _callback = callback;
        _state = state;
    }

    /// <summary>When the timer fires, in the loop's milliseconds (<see cref="EventLoop.Now"/>);
    /// <see cref="long.MaxValue"/> when it is not armed.</summary>
    public long Due { get; private set; } = Never;

    /// <summary>True when armed.</summary>
    public bool IsScheduled => Due != Never;

    // Where the timer sits in its loop's heap: Key is its position's deadline, never later than Due (the
    // heap is corrected lazily when the deadline moved later); Index is -1 when it is not in the heap.
    internal long Key;
    internal int Index = -1;

    /// <summary>Arms (or re-arms) the timer to fire <paramref name="delay"/> from now.</summary>
    public void Schedule(TimeSpan delay)
    {
        var ms = (long)Math.Ceiling(Math.Max(0, delay.TotalMilliseconds));
        ScheduleAt(ms >= Never - _loop.Now ? Never - 1 : _loop.Now + ms);
    }

    /// <summary>Arms (or re-arms) the timer to fire at <paramref name="due"/>, in the loop's milliseconds.</summary>
    public void ScheduleAt(long due)
    {
        Debug.Assert(_loop.InLoop, "loop timers belong to their loop thread");
        Due = due;
        _loop.Timers.OnScheduled(this);
    }

    /// <summary>Disarms the timer (a no-op when it is not armed).</summary>
    public void Cancel() => Due = Never; // it stays in the heap until its key comes up, then leaves quietly

    /// <summary>Disarms the timer and takes it out of the loop's heap at once, so nothing refers to it.</summary>
    public void Dispose()
    {
        Debug.Assert(_loop.InLoop, "loop timers belong to their loop thread");
        Due = Never;
        _loop.Timers.Remove(this);
    }

    internal void Fire()
    {
        Due = Never;
        _callback(_state);
    }
}
