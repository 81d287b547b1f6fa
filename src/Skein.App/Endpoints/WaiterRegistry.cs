// The long-poll registry behind /wait, /notify and /waiters: requests parked until the next notify.
// Thread-safe (handlers run on many threads and loops at once); it knows nothing of HTTP.
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
    // A HashSet so a cancelled waiter leaves in O(1) even when ten thousand are parked.
    private HashSet<Waiter> _waiters = [];

    /// <summary>How many are waiting now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>Waits until the next <see cref="NotifyAll"/> and returns the number it released. Throws
    /// <see cref="OperationCanceledException"/> if <paramref name="cancellationToken"/> fires first (client
    /// gone, server stopping), after leaving the registry.</summary>
    public Task<int> WaitAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var waiter = new Waiter(this);
        lock (_lock)
        {
            _waiters.Add(waiter);
        }
        // Registered after adding, so a token that is already cancelled runs the callback now and removes it.
        waiter.Registration = cancellationToken.UnsafeRegister(static (state, token) => ((Waiter)state!).Cancel(token), waiter);
        return waiter.Completion.Task;
    }

    /// <summary>Releases every current waiter; each one's wait returns the number released, which is also returned here.</summary>
    public int NotifyAll()
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
        // Completed outside the lock; continuations run asynchronously (see Waiter), so a thousand waiters do
        // not run on the notifier's stack.
        foreach (var waiter in released)
        {
            waiter.Registration.Dispose();
            waiter.Completion.TrySetResult(released.Count);
        }
        return released.Count;
    }

    private void Remove(Waiter waiter)
    {
        lock (_lock)
        {
            _waiters.Remove(waiter);
        }
    }

    private sealed class Waiter(WaiterRegistry registry)
    {
        public TaskCompletionSource<int> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }

        public void Cancel(CancellationToken token)
        {
            // Remove first: if a notify already took this waiter, it was counted and its result stands
            // (TrySetCanceled then does nothing).
            registry.Remove(this);
            Completion.TrySetCanceled(token);
        }
    }
}
