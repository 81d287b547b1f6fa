// One event loop, the textbook shape (nginx's ngx_epoll_module, libuv's uv_run, Netty's EpollEventLoop): a
// thread that owns an epoll set, sleeps in epoll_wait until a registered descriptor is ready, a timer is due
// or another thread posts work (an eventfd wakes it), and then runs, on itself, the handlers of what is
// ready, the timers that are due and the work posted. Code awaiting on the loop resumes on it: the loop is
// its thread's SynchronizationContext. It does not accept connections or know HTTP: the async model
// registers its listening socket and its connections' transports here; EventLoopGroup spreads connections.
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Skein.Server.Interop;
using Skein.Server.Logging;

namespace Skein.Server.Threading;

/// <summary>
/// A single-threaded event loop. Descriptors registered with <see cref="Register"/> are watched by the loop's
/// epoll set and their <see cref="IReadinessHandler"/> is called on the loop thread; <see cref="LoopTimer"/>s
/// bound epoll_wait's sleep; <see cref="Post"/> and <see cref="Spawn"/> hand it work from any thread. Work
/// spawned here runs on the loop thread and so do its continuations. A CPU-bound handler blocks every other
/// connection of its loop: that is the model, not a bug.
/// </summary>
public sealed class EventLoop : IDisposable
{
    // Events taken per epoll_wait: nginx asks for 512, libuv 1024. A turn with more ready takes the rest next turn.
    private const int MaxEvents = 256;

    // The eventfd's cookie. Registrations use (generation << 32 | slot), and generations start at 1.
    private const ulong WakeCookie = 0;

    [ThreadStatic]
    private static EventLoop? t_current;

    private readonly SafeFileHandle _epoll;
    private readonly SafeFileHandle _wake;
    private readonly Thread _thread;
    private readonly ILogger _log;
    private readonly LoopContext _context;
    private readonly Lock _gate = new();
    private Queue<(SendOrPostCallback Callback, object? State)> _posted = new();
    private Queue<(SendOrPostCallback Callback, object? State)> _running = new();
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _endOfTurn = new(); // loop thread only
    private int _sleeping;          // 1 while the loop thread is in (or about to enter) a sleeping epoll_wait
    private volatile bool _stopping;
    private int _active;            // spawned work not yet completed; loop thread only

    // Registered descriptors by slot, with a generation per slot so that an event reported for a slot's
    // previous owner (already closed) is recognised and dropped.
    private IReadinessHandler?[] _handlers = new IReadinessHandler?[64];
    private uint[] _generations = new uint[64];
    private readonly Stack<int> _freeSlots = new();
    private int _usedSlots;

    /// <summary>Creates loop number <paramref name="index"/> (its epoll set and eventfd) and starts its thread.</summary>
    /// <exception cref="IOException">epoll_create1, eventfd or epoll_ctl failed (out of descriptors).</exception>
    public EventLoop(int index, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(log);
        Index = index;
        _log = log;
        _context = new LoopContext(this);
        _epoll = new SafeFileHandle(Epoll.Create(Epoll.EPOLL_CLOEXEC), ownsHandle: true);
        if (_epoll.IsInvalid)
        {
            throw Errno.LastError("epoll_create1");
        }
        _wake = new SafeFileHandle(Epoll.EventFd(0, Epoll.EFD_CLOEXEC | Epoll.EFD_NONBLOCK), ownsHandle: true);
        if (_wake.IsInvalid)
        {
            var error = Errno.LastError("eventfd");
            _epoll.Dispose();
            throw error;
        }
        // Edge-triggered, and never read: every write(2) to an eventfd wakes its pollers, so with EPOLLET each
        // write is one event. The counter only grows; it would take 2^64 - 1 wake-ups to fill it. So a wake-up
        // costs the poster one write and the loop nothing but the epoll_wait it was sleeping in (libuv and
        // Netty read it back each time: one more syscall per wake-up).
        var wake = new Epoll.Event { Events = Epoll.EPOLLIN | Epoll.EPOLLET, Data = WakeCookie };
        if (Epoll.Control(EpollFd, Epoll.EPOLL_CTL_ADD, (int)_wake.DangerousGetHandle(), ref wake) != 0)
        {
            var error = Errno.LastError("epoll_ctl");
            _wake.Dispose();
            _epoll.Dispose();
            throw error;
        }
        Array.Fill(_generations, 1u);
        Now = Environment.TickCount64;
        _thread = new Thread(Run) { Name = $"loop-{index}", IsBackground = true };
        _thread.Start();
    }

    /// <summary>The loop whose thread is calling, or null off every loop.</summary>
    public static EventLoop? Current => t_current;

    /// <summary>The loop's number within its group.</summary>
    public int Index { get; }

    /// <summary>True when called on this loop's thread.</summary>
    public bool InLoop => t_current == this;

    /// <summary>The loop's synchronization context: what is posted to it runs on the loop thread.</summary>
    public SynchronizationContext Context => _context;

    /// <summary>The loop's clock in milliseconds (<see cref="Environment.TickCount64"/>), read once per turn,
    /// after epoll_wait returns (nginx's cached time). Timers count in it.</summary>
    public long Now { get; private set; }

    /// <summary>Descriptors registered now.</summary>
    public int Registered => _usedSlots;

    internal TimerHeap Timers { get; } = new();

    private int EpollFd => (int)_epoll.DangerousGetHandle();

    /// <summary>Runs <paramref name="callback"/> on the loop thread, after what is already queued. Safe from any
    /// thread; from another thread it wakes the loop if it sleeps (one write(2) to its eventfd, and none if a
    /// wake-up is already on its way).</summary>
    public void Post(SendOrPostCallback callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        lock (_gate)
        {
            _posted.Enqueue((callback, state));
        }
        // Netty's wakenUp: only the first poster after the loop went to sleep pays for the wake-up.
        if (!InLoop && Interlocked.Exchange(ref _sleeping, 0) == 1)
        {
            Wake();
        }
    }

    /// <summary>
    /// Runs <paramref name="callback"/> on the loop thread once the work of the current turn is done (the posted
    /// work, or the ready descriptors and the due timers), before the loop waits again: libuv's closing phase.
    /// Connections close their descriptors here, so that the answers of ten thousand long-polls released in one
    /// turn are all on the wire before the first close(2). Loop thread only.
    /// </summary>
    public void AtEndOfTurn(SendOrPostCallback callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Debug.Assert(InLoop, "the end of a turn belongs to the loop thread");
        _endOfTurn.Enqueue((callback, state));
    }

    /// <summary>Runs <paramref name="work"/> on the loop thread (at once when called there); the loop counts
    /// it until it completes and logs it if it throws (so nothing is fire-and-forget). Safe from any thread.</summary>
    public void Spawn(Func<ValueTask> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (InLoop)
        {
            Start(work);
            return;
        }
        Post(static state =>
        {
            var (loop, w) = ((EventLoop, Func<ValueTask>))state!;
            loop.Start(w);
        }, (this, work));
    }

    /// <summary>Creates a timer of this loop; it is not armed until <see cref="LoopTimer.Schedule"/>.</summary>
    public LoopTimer CreateTimer(Action<object?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new LoopTimer(this, callback, state);
    }

    /// <summary>
    /// Adds <paramref name="descriptor"/> to the loop's epoll set: <paramref name="handler"/> is called on the
    /// loop thread with what becomes ready. Returns the registration, for <see cref="Unregister"/>. The caller
    /// keeps the descriptor open while it is registered. Loop thread only.
    /// </summary>
    /// <exception cref="IOException">epoll_ctl failed.</exception>
    public int Register(SafeHandle descriptor, Interest interest, IReadinessHandler handler)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(handler);
        Debug.Assert(InLoop, "registrations belong to their loop thread");
        var slot = TakeSlot(handler);
        var watch = new Epoll.Event { Events = ToEpoll(interest), Data = Cookie(slot) };
        if (Control(Epoll.EPOLL_CTL_ADD, descriptor, ref watch) != 0)
        {
            var error = Errno.LastError("epoll_ctl");
            FreeSlot(slot);
            throw error;
        }
        return slot;
    }

    /// <summary>Changes what a registered descriptor is watched for (<see cref="Interest.Read"/> alone, or
    /// nothing at all, to pause a listening socket). Loop thread only.</summary>
    /// <exception cref="IOException">epoll_ctl failed.</exception>
    public void Modify(int registration, SafeHandle descriptor, Interest interest)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        Debug.Assert(InLoop, "registrations belong to their loop thread");
        var watch = new Epoll.Event { Events = ToEpoll(interest), Data = Cookie(registration) };
        if (Control(Epoll.EPOLL_CTL_MOD, descriptor, ref watch) != 0)
        {
            throw Errno.LastError("epoll_ctl");
        }
    }

    /// <summary>
    /// Forgets a registration: its handler is never called again, even for events already reported. When
    /// <paramref name="closing"/>, the caller is about to close the descriptor, and closing removes it from the
    /// epoll set (nginx skips the epoll_ctl then too); otherwise it is removed now. Loop thread only.
    /// </summary>
    public void Unregister(int registration, SafeHandle descriptor, bool closing)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        Debug.Assert(InLoop, "registrations belong to their loop thread");
        if (!closing)
        {
            var none = default(Epoll.Event);
            _ = Control(Epoll.EPOLL_CTL_DEL, descriptor, ref none); // fails only if already gone from the set
        }
        FreeSlot(registration);
    }

    /// <summary>Asks the loop to exit once every spawned piece of work has completed.</summary>
    public void Stop()
    {
        _stopping = true;
        if (!InLoop)
        {
            Wake();
        }
    }

    /// <summary>Waits for the loop thread to exit; false if it did not within <paramref name="timeout"/>.</summary>
    public bool Join(TimeSpan timeout) => _thread.Join(timeout);

    /// <summary>Stops the loop, waits briefly for it, and closes its epoll set and eventfd once it exited.</summary>
    public void Dispose()
    {
        Stop();
        if (InLoop || Join(TimeSpan.FromSeconds(1)))
        {
            // The thread no longer waits on them. (Called on the loop itself, the thread ends right after.)
            _wake.Dispose();
            _epoll.Dispose();
        }
    }

    private void Wake()
    {
        var added = false;
        try
        {
            _wake.DangerousAddRef(ref added);
            ulong one = 1;
            _ = Epoll.Signal((int)_wake.DangerousGetHandle(), ref one, sizeof(ulong)); // EAGAIN only when 2^64 - 2 are pending
        }
        catch (ObjectDisposedException)
        {
            // The loop has exited and closed its eventfd: there is nobody left to wake.
        }
        finally
        {
            if (added)
            {
                _wake.DangerousRelease();
            }
        }
    }

    private void Start(Func<ValueTask> work)
    {
        Debug.Assert(InLoop);
        ValueTask task;
        try
        {
            task = work();
        }
        catch (Exception e)
        {
            // Top of a unit of loop work: the only catch-all here, and it logs.
            ServerLog.LoopWorkFailed(_log, Index, e);
            return;
        }
        if (task.IsCompletedSuccessfully)
        {
            return;
        }
        _active++;
        // Counted until it completes, by a continuation on its task rather than an async method awaiting it: a
        // parked connection is such a piece of work, and an awaiting method would hold a state machine box, a
        // continuation object and a delegate for it (240 bytes per long-poll; this is about half). The work's own
        // continuations run on this loop, so it completes here and this runs inline, on the loop.
        _ = task.AsTask().ContinueWith(static (done, state) => ((EventLoop)state!).Ended(done), this,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Ended(Task work)
    {
        Debug.Assert(InLoop, "loop work completes on its loop");
        _active--;
        if (work.Exception is { } failure)
        {
            // Top of a unit of loop work: the only catch-all here, and it logs.
            ServerLog.LoopWorkFailed(_log, Index, failure.InnerException ?? failure);
        }
    }

    private unsafe void Run()
    {
        t_current = this;
        SynchronizationContext.SetSynchronizationContext(_context);
        var events = stackalloc Epoll.Event[MaxEvents];
        try
        {
            while (true)
            {
                RunPosted();
                EndTurn();
                if (_stopping && _active == 0)
                {
                    return;
                }
                var count = Epoll.Wait(EpollFd, events, MaxEvents, SleepTime());
                Volatile.Write(ref _sleeping, 0);
                Now = Environment.TickCount64;
                if (count < 0)
                {
                    var errno = Errno.Last;
                    if (errno == Errno.EINTR)
                    {
                        continue;
                    }
                    ServerLog.LoopFailed(_log, Index, Marshal.GetPInvokeErrorMessage(errno));
                    return;
                }
                for (var i = 0; i < count; i++)
                {
                    Dispatch(events[i]);
                }
                FireTimers();
                EndTurn();
            }
        }
        finally
        {
            EndTurn();
            t_current = null;
        }
    }

    // How long epoll_wait may sleep: 0 when work is already posted, else until the nearest timer (or forever).
    // Announcing the sleep before looking at the queue closes the race with a poster: either the loop sees its
    // work, or the poster sees the announcement and wakes it.
    private int SleepTime()
    {
        var wait = Timers.WaitTime(Now);
        if (wait == 0)
        {
            return 0;
        }
        Interlocked.Exchange(ref _sleeping, 1);
        bool pending;
        lock (_gate)
        {
            pending = _posted.Count > 0;
        }
        if (pending)
        {
            Volatile.Write(ref _sleeping, 0);
            return 0;
        }
        return wait;
    }

    // Fires the timers that are due. A callback that throws is logged and the others still fire: the heap
    // took each timer out before calling it, so the next pass goes on after it.
    private void FireTimers()
    {
        while (true)
        {
            try
            {
                Timers.FireDue(Now);
                return;
            }
            catch (Exception e)
            {
                // Top of a unit of loop work: the only catch-all here, and it logs.
                ServerLog.LoopWorkFailed(_log, Index, e);
            }
        }
    }

    private void RunPosted()
    {
        lock (_gate)
        {
            if (_posted.Count == 0)
            {
                return;
            }
            // Swap queues so callbacks run without the lock and new posts do not wait for them; what they
            // post runs on the next turn, after the loop has looked at its descriptors again.
            (_posted, _running) = (_running, _posted);
        }
        while (_running.TryDequeue(out var item))
        {
            try
            {
                item.Callback(item.State);
            }
            catch (Exception e)
            {
                // Top of a unit of loop work: the only catch-all here, and it logs.
                ServerLog.LoopWorkFailed(_log, Index, e);
            }
        }
    }

    private void EndTurn()
    {
        while (_endOfTurn.TryDequeue(out var item))
        {
            try
            {
                item.Callback(item.State);
            }
            catch (Exception e)
            {
                // Top of a unit of loop work: the only catch-all here, and it logs.
                ServerLog.LoopWorkFailed(_log, Index, e);
            }
        }
    }

    private void Dispatch(in Epoll.Event e)
    {
        if (e.Data == WakeCookie)
        {
            return; // a wake-up: the posted work runs at the top of the next turn
        }
        var slot = (int)(uint)e.Data;
        if (slot >= _handlers.Length || _generations[slot] != (uint)(e.Data >> 32) || _handlers[slot] is not { } handler)
        {
            return; // reported for a registration forgotten since (earlier in this turn, or a closed descriptor)
        }
        try
        {
            handler.OnReady(FromEpoll(e.Events));
        }
        catch (Exception ex)
        {
            // Top of a unit of loop work: the only catch-all here, and it logs.
            ServerLog.LoopWorkFailed(_log, Index, ex);
        }
    }

    private int TakeSlot(IReadinessHandler handler)
    {
        if (!_freeSlots.TryPop(out var slot))
        {
            slot = _usedSlots;
            if (slot == _handlers.Length)
            {
                Array.Resize(ref _handlers, slot * 2);
                Array.Resize(ref _generations, slot * 2);
                Array.Fill(_generations, 1u, slot, slot);
            }
        }
        _handlers[slot] = handler;
        _usedSlots++;
        return slot;
    }

    private void FreeSlot(int slot)
    {
        _handlers[slot] = null;
        _generations[slot] = _generations[slot] == uint.MaxValue ? 1 : _generations[slot] + 1;
        _freeSlots.Push(slot);
        _usedSlots--;
    }

    private ulong Cookie(int slot) => ((ulong)_generations[slot] << 32) | (uint)slot;

    private int Control(int operation, SafeHandle descriptor, ref Epoll.Event watch)
    {
        var added = false;
        try
        {
            descriptor.DangerousAddRef(ref added);
            return Epoll.Control(EpollFd, operation, (int)descriptor.DangerousGetHandle(), ref watch);
        }
        finally
        {
            if (added)
            {
                descriptor.DangerousRelease();
            }
        }
    }

    private static uint ToEpoll(Interest interest)
    {
        var events = 0u;
        events |= (interest & Interest.Read) != 0 ? Epoll.EPOLLIN : 0;
        events |= (interest & Interest.Write) != 0 ? Epoll.EPOLLOUT : 0;
        events |= (interest & Interest.PeerClosed) != 0 ? Epoll.EPOLLRDHUP : 0;
        events |= (interest & Interest.EdgeTriggered) != 0 ? Epoll.EPOLLET : 0;
        events |= (interest & Interest.Exclusive) != 0 ? Epoll.EPOLLEXCLUSIVE : 0;
        return events;
    }

    private static Readiness FromEpoll(uint events)
    {
        var ready = Readiness.None;
        ready |= (events & Epoll.EPOLLIN) != 0 ? Readiness.Readable : 0;
        ready |= (events & Epoll.EPOLLOUT) != 0 ? Readiness.Writable : 0;
        ready |= (events & Epoll.EPOLLRDHUP) != 0 ? Readiness.PeerClosed : 0;
        ready |= (events & (Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0 ? Readiness.Failed : 0;
        return ready;
    }

    // The loop as its thread's SynchronizationContext: continuations of code awaiting on the loop come back here.
    private sealed class LoopContext(EventLoop loop) : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state) => loop.Post(d, state);

        public override void Send(SendOrPostCallback d, object? state) => LoopSynchronizationContext.SendAndWait(this, loop.InLoop, d, state);

        public override SynchronizationContext CreateCopy() => this;
    }
}
