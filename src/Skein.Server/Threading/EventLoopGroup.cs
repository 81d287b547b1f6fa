// A fixed set of event loops and the round-robin choice among them (Netty's EventLoopGroup.next()).
// It does not accept: whoever accepts calls Next() and spawns the connection there.
using Microsoft.Extensions.Logging;

namespace Skein.Server.Threading;

/// <summary>N event loops, each its own thread; <see cref="Next"/> hands them out in turn. With N = 1 it
/// is the single loop a hybrid worker process runs.</summary>
public sealed class EventLoopGroup : IDisposable
{
    private readonly EventLoop[] _loops;
    private int _next = -1;

    /// <summary>Starts <paramref name="count"/> loops.</summary>
    public EventLoopGroup(int count, ILogger log)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _loops = new EventLoop[count];
        for (var i = 0; i < count; i++)
        {
            _loops[i] = new EventLoop(i, log);
        }
    }

    /// <summary>The loops.</summary>
    public IReadOnlyList<EventLoop> Loops => _loops;

    /// <summary>The next loop, round-robin. Safe from any thread.</summary>
    public EventLoop Next() => _loops[(int)((uint)Interlocked.Increment(ref _next) % (uint)_loops.Length)];

    /// <summary>Asks every loop to exit once its work is done.</summary>
    public void Stop()
    {
        foreach (var loop in _loops)
        {
            loop.Stop();
        }
    }

    /// <summary>Stops the loops and waits for their threads; false if one did not exit in time.</summary>
    public bool Join(TimeSpan timeout)
    {
        Stop();
        return Threading.Join.All(_loops, timeout, static (loop, left) => loop.Join(left));
    }

    /// <summary>Stops and joins the loops.</summary>
    public void Dispose() => Join(TimeSpan.FromSeconds(1));
}
