// Every open connection of this process, with the limit on how many there may be. It is the shutdown
// sequence's view of the connections (close the idle ones, wait for the rest, abort at the deadline);
// it does not read, write or schedule anything.
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Skein.Server.Lifecycle;

/// <summary>Tracks open connections (New, Active, Idle) and enforces <see cref="ServerOptions.MaxConnections"/>
/// and the limit the process's file descriptors impose (<paramref name="descriptors"/>, when given).</summary>
public sealed class ConnectionRegistry(int maxConnections, DescriptorBudget? descriptors = null) : IDisposable
{
    private readonly ConcurrentDictionary<long, Connection> _open = new();
    private readonly ManualResetEventSlim _empty = new(initialState: true);
    private readonly object _gate = new();
    private long _lastId;
    private int _count;
    private volatile bool _closingIdle;
    private volatile bool _closedAllIdle;

    /// <summary>Open connections now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The most that may be open at once.</summary>
    public int MaxConnections { get; } = maxConnections;

    /// <summary>Connections registered since start.</summary>
    public long TotalAccepted => Interlocked.Read(ref _lastId);

    /// <summary>True when the file descriptor budget, not <see cref="MaxConnections"/>, is what is full.</summary>
    public bool IsOutOfDescriptors => descriptors is not null && Count >= descriptors.MaxConnections;

    /// <summary>Registers <paramref name="socket"/> as a New connection; null when a limit is reached
    /// (the caller answers 503 and closes it).</summary>
    public Connection? TryRegister(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return TryReserve() ? Add(new Connection(NextId(), socket)) : null;
    }

    /// <summary>Registers a socket an event loop accepted itself (its descriptor and the client's address) as
    /// a New connection; null when the limit is reached (the caller answers 503 and closes it).</summary>
    public Connection? TryRegister(SafeHandle handle, IPEndPoint? remoteEndPoint)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return TryReserve() ? Add(new Connection(NextId(), handle, remoteEndPoint)) : null;
    }

    private bool TryReserve()
    {
        lock (_gate)
        {
            if (_count >= MaxConnections || (descriptors is not null && _count >= descriptors.MaxConnections))
            {
                return false;
            }
            if (_count++ == 0)
            {
                _empty.Reset();
            }
        }
        return true;
    }

    private long NextId() => Interlocked.Increment(ref _lastId);

    private Connection Add(Connection connection)
    {
        _open[connection.Id] = connection;
        if (_closedAllIdle)
        {
            // Accepted after the last pass of shutdown: it must not linger as an idle connection. (Before it, the
            // last pass closes it if no request came; one that came is answered with Connection: close.)
            connection.TryCloseIfIdle();
        }
        return connection;
    }

    /// <summary>Forgets a closed connection.</summary>
    public void Unregister(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!_open.TryRemove(connection.Id, out _))
        {
            return;
        }
        connection.Dispose();
        lock (_gate)
        {
            if (--_count == 0)
            {
                _empty.Set();
            }
        }
    }

    /// <summary>A snapshot of the open connections.</summary>
    public IReadOnlyCollection<Connection> Snapshot() => [.. _open.Values];

    /// <summary>True once shutdown began: a connection finishing a response closes instead of idling.</summary>
    public bool IsClosingIdle => _closingIdle;

    /// <summary>True once shutdown's last pass closed every idle connection: nothing closes one that idles later.</summary>
    public bool HasClosedAllIdle => _closedAllIdle;

    /// <summary>Closes every New or Idle connection that has been so for at least <paramref name="quietFor"/>, and
    /// from now on every connection as soon as its response is sent. <see cref="TimeSpan.Zero"/>: every one,
    /// and every one accepted later at once.</summary>
    public int CloseIdle(TimeSpan quietFor = default)
    {
        _closingIdle = true;
        _closedAllIdle = quietFor <= TimeSpan.Zero;
        var closed = 0;
        foreach (var connection in _open.Values)
        {
            if (connection.TryCloseIfIdle(quietFor))
            {
                closed++;
            }
        }
        return closed;
    }

    /// <summary>Aborts every open connection (the shutdown deadline passed).</summary>
    public int AbortAll()
    {
        var aborted = 0;
        foreach (var connection in _open.Values)
        {
            connection.Abort();
            aborted++;
        }
        return aborted;
    }

    /// <summary>Waits until no connection is open; false at the timeout.</summary>
    public bool WaitUntilEmpty(TimeSpan timeout) => _empty.Wait(timeout);

    /// <summary>Releases the wait handle.</summary>
    public void Dispose() => _empty.Dispose();
}
