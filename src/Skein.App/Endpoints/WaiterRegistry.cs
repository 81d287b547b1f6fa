// The long-poll registry behind /wait, /notify and /waiters: requests parked until the next notify.
// Thread-safe (handlers run on many threads and loops at once); it knows nothing of HTTP. A parked request
// is one small object here, which is also what its handler's ValueTask waits on: ten thousand of them are
// ten thousand of these, not ten thousand parked async methods with their tasks.
using System.Threading.Tasks.Sources;

namespace Skein.App.Endpoints;

/// <summary>
/// Holds waiters until <see cref="NotifyAll"/> releases them all with the number released. A waiter that
/// registered before a notify takes its snapshot is released by it; one that registers after waits for the
/// next: both happen under one lock, so none is lost or counted twice. A waiter whose token fires first is
/// removed and not counted.
/// </summary>
public sealed class WaiterRegistry
{
    private readonly Lock _lock = new();
    private readonly IWaiterBackplane? _backplane;
    // A HashSet so a cancelled waiter leaves in O(1) even when ten thousand are parked.
    private HashSet<Waiter> _waiters = [];

    /// <summary>A registry for this process alone.</summary>
    public WaiterRegistry()
    {
    }

    /// <summary>A registry whose count and notifies span every process sharing <paramref name="backplane"/>
    /// (the process models): a notify in any process releases the waiters of all of them.</summary>
    public WaiterRegistry(IWaiterBackplane? backplane)
    {
        _backplane = backplane;
        _backplane?.Subscribe(released => ReleaseLocal(released));
    }

    /// <summary>How many are waiting now (in every process, with a backplane).</summary>
    public int Count
    {
        get
        {
            if (_backplane is not null)
            {
                return _backplane.Waiting;
            }
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>Waits until the next <see cref="NotifyAll"/> and returns the number it released. Throws
    /// <see cref="OperationCanceledException"/> if <paramref name="cancellationToken"/> fires first (client
    /// gone, server stopping), after leaving the registry.</summary>
    public ValueTask<int> WaitAsync(CancellationToken cancellationToken) => WaitAsync(static released => released, cancellationToken);

    /// <summary>Waits as <see cref="WaitAsync(CancellationToken)"/> does and completes with
    /// <paramref name="answer"/>(the number released), computed when the waiter resumes: a handler can return
    /// this ValueTask as its own, without an async method of its own waiting in between.</summary>
    public ValueTask<TResult> WaitAsync<TResult>(Func<int, TResult> answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answer);
        cancellationToken.ThrowIfCancellationRequested();
        var waiter = new Waiter<TResult>(this, answer);
        lock (_lock)
        {
            _waiters.Add(waiter);
        }
        _backplane?.AddWaiting(1);
        // Registered after adding, so a token that is already cancelled runs the callback now and removes it.
        waiter.Registration = cancellationToken.UnsafeRegister(static (state, token) => ((Waiter)state!).Cancel(token), waiter);
        return waiter.Task;
    }

    /// <summary>Releases every current waiter; each one's wait returns the number released, which is also
    /// returned here. With a backplane, that is every waiter of every process, released as each process's
    /// backplane thread gets the news (this one's too), so they complete just after this returns.</summary>
    public int NotifyAll()
    {
        if (_backplane is not null)
        {
            var waiting = _backplane.Waiting;
            _backplane.Publish(waiting);
            return waiting;
        }
        return ReleaseLocal(null);
    }

    // Releases this process's waiters with the given count (a backplane's broadcast) or their own number.
    private int ReleaseLocal(int? count)
    {
        HashSet<Waiter> released;
        lock (_lock)
        {
            if (_waiters.Count == 0)
            {
                return 0;
            }
            released = _waiters;
            _waiters = [];
        }
        // Completed outside the lock; continuations run asynchronously (posted to the event loop, or the thread
        // pool, each waiter's wait came from), so ten thousand waiters do not run on the notifier's stack.
        _backplane?.AddWaiting(-released.Count);
        foreach (var waiter in released)
        {
            waiter.Registration.Dispose();
            waiter.Release(count ?? released.Count);
        }
        return released.Count;
    }

    private void Remove(Waiter waiter)
    {
        bool removed;
        lock (_lock)
        {
            removed = _waiters.Remove(waiter);
        }
        if (removed)
        {
            _backplane?.AddWaiting(-1);
        }
    }

    // One parked wait. Released or cancelled once, whichever comes first.
    private abstract class Waiter(WaiterRegistry registry)
    {
        private int _finished;

        public CancellationTokenRegistration Registration { get; set; }

        public void Release(int released)
        {
            if (Interlocked.Exchange(ref _finished, 1) == 0)
            {
                Complete(released, null);
            }
        }

        public void Cancel(CancellationToken token)
        {
            // Remove first: if a notify already took this waiter, it was counted and its result stands.
            registry.Remove(this);
            if (Interlocked.Exchange(ref _finished, 1) == 0)
            {
                Complete(0, new OperationCanceledException(token));
            }
        }

        protected abstract void Complete(int released, Exception? error);
    }

    // The waiter as the source of its own ValueTask (ManualResetValueTaskSourceCore does the continuation's
    // scheduling: to the captured synchronization context, such as an event loop, else the thread pool).
    private sealed class Waiter<TResult> : Waiter, IValueTaskSource<TResult>
    {
        private readonly Func<int, TResult> _answer;
        private ManualResetValueTaskSourceCore<int> _core;

        public Waiter(WaiterRegistry registry, Func<int, TResult> answer)
            : base(registry)
        {
            _answer = answer;
            _core.RunContinuationsAsynchronously = true;
        }

        public ValueTask<TResult> Task => new(this, _core.Version);

        public TResult GetResult(short token) => _answer(_core.GetResult(token));

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
            => _core.OnCompleted(continuation, state, token, flags);

        protected override void Complete(int released, Exception? error)
        {
            if (error is null)
            {
                _core.SetResult(released);
            }
            else
            {
                _core.SetException(error);
            }
        }
    }
}
