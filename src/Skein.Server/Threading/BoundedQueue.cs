// A fixed-capacity FIFO queue for handing items from one thread (the acceptor) to others (workers):
// adding never blocks (a full queue says no, so the caller can answer 503), taking blocks until an item
// arrives or the queue is completed. Not a general-purpose collection; no timeouts, no priorities.
namespace Skein.Server.Threading;

/// <summary>A bounded producer/consumer queue: non-blocking <see cref="TryAdd"/>, blocking <see cref="TryTake"/>.</summary>
#pragma warning disable CA1711 // It is a queue, named as the design (STYLE §3) names it.
public sealed class BoundedQueue<T>
#pragma warning restore CA1711
{
    private readonly object _gate = new();
    private readonly Queue<T> _items;
    private bool _completed;

    /// <summary>Creates a queue holding at most <paramref name="capacity"/> items.</summary>
    public BoundedQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _items = new Queue<T>(Math.Min(capacity, 1024));
    }

    /// <summary>The most items the queue holds.</summary>
    public int Capacity { get; }

    /// <summary>Items waiting now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Adds <paramref name="item"/> unless the queue is full or completed; never blocks.</summary>
    public bool TryAdd(T item)
    {
        lock (_gate)
        {
            if (_completed || _items.Count >= Capacity)
            {
                return false;
            }
            _items.Enqueue(item);
            Monitor.Pulse(_gate);
            return true;
        }
    }

    /// <summary>Waits for an item. Returns false once the queue is completed and empty.</summary>
    public bool TryTake(out T item)
    {
        lock (_gate)
        {
            while (_items.Count == 0)
            {
                if (_completed)
                {
                    item = default!;
                    return false;
                }
                Monitor.Wait(_gate);
            }
            item = _items.Dequeue();
            return true;
        }
    }

    /// <summary>No more items will be added; takers drain what is left, then get false.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }
}
