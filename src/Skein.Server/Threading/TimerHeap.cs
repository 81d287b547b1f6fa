// The deadlines of one event loop's timers: a binary min-heap on each timer's key, with each timer's index
// stored in it so that it can be moved or taken out in O(log n) (Netty's DefaultPriorityQueue does the same).
// The loop asks it how long epoll_wait may sleep and to fire what is due. Loop thread only.
namespace Skein.Server.Threading;

/// <summary>The timers of one <see cref="EventLoop"/>, ordered by deadline.</summary>
internal sealed class TimerHeap
{
    private LoopTimer[] _heap = new LoopTimer[64];
    private int _count;

    /// <summary>Timers in the heap, armed or waiting to leave it.</summary>
    public int Count => _count;

    /// <summary>Milliseconds from <paramref name="now"/> until the earliest key: 0 when one is due, -1 when
    /// there is no timer (epoll_wait's "forever"). A key may be earlier than its timer's deadline (the timer
    /// was re-armed later): the loop then wakes once for nothing, and the timer takes its new place.</summary>
    public int WaitTime(long now)
    {
        if (_count == 0)
        {
            return -1;
        }
        var wait = _heap[0].Key - now;
        return wait <= 0 ? 0 : (int)Math.Min(wait, int.MaxValue);
    }

    /// <summary>Fires, earliest first, every timer whose deadline is at or before <paramref name="now"/>.
    /// A callback may arm or disarm timers, itself included. Returns how many fired.</summary>
    public int FireDue(long now)
    {
        var fired = 0;
        while (_count > 0 && _heap[0].Key <= now)
        {
            var timer = _heap[0];
            RemoveAt(0);
            if (timer.Due <= now)
            {
                fired++;
                timer.Fire();
            }
            else if (timer.Due != LoopTimer.Never)
            {
                // Re-armed later since it took this place: it goes where its deadline belongs.
                timer.Key = timer.Due;
                Push(timer);
            }
        }
        return fired;
    }

    /// <summary>A timer's deadline was set: into the heap if it is not there, up the heap if the deadline is
    /// earlier than its key; left alone (lazily) if later.</summary>
    public void OnScheduled(LoopTimer timer)
    {
        if (timer.Index < 0)
        {
            timer.Key = timer.Due;
            Push(timer);
        }
        else if (timer.Due < timer.Key)
        {
            timer.Key = timer.Due;
            SiftUp(timer.Index);
        }
    }

    /// <summary>Takes <paramref name="timer"/> out of the heap if it is there.</summary>
    public void Remove(LoopTimer timer)
    {
        if (timer.Index >= 0)
        {
            RemoveAt(timer.Index);
        }
    }

    private void Push(LoopTimer timer)
    {
        if (_count == _heap.Length)
        {
            Array.Resize(ref _heap, _count * 2);
        }
        _heap[_count] = timer;
        timer.Index = _count;
        _count++;
        SiftUp(timer.Index);
    }

    private void RemoveAt(int index)
    {
        var removed = _heap[index];
        removed.Index = -1;
        _count--;
        if (index == _count)
        {
            _heap[_count] = null!;
            return;
        }
        var last = _heap[_count];
        _heap[_count] = null!;
        _heap[index] = last;
        last.Index = index;
        if (index > 0 && last.Key < _heap[(index - 1) / 2].Key)
        {
            SiftUp(index);
        }
        else
        {
            SiftDown(index);
        }
    }

    private void SiftUp(int index)
    {
        var timer = _heap[index];
        while (index > 0)
        {
            var parent = (index - 1) / 2;
            if (_heap[parent].Key <= timer.Key)
            {
                break;
            }
            _heap[index] = _heap[parent];
            _heap[index].Index = index;
            index = parent;
        }
        _heap[index] = timer;
        timer.Index = index;
    }

    private void SiftDown(int index)
    {
        var timer = _heap[index];
        while (true)
        {
            var child = (2 * index) + 1;
            if (child >= _count)
            {
                break;
            }
            if (child + 1 < _count && _heap[child + 1].Key < _heap[child].Key)
            {
                child++;
            }
            if (timer.Key <= _heap[child].Key)
            {
                break;
            }
            _heap[index] = _heap[child];
            _heap[index].Index = index;
            index = child;
        }
        _heap[index] = timer;
        timer.Index = index;
    }
}
