// Notices clients that go away while their request's handler is pending: one epoll set per process and one
// thread blocked on it (nginx's EPOLLRDHUP test in ngx_http_test_reading; Go's background read). A watched
// socket is registered for EPOLLRDHUP only — the peer's FIN or reset — so nothing is read: bytes the client
// pipelined (the next request, or this one's body) stay in the kernel for the ConnectionLoop, however many
// there are. When a watched client hangs up, its connection is abandoned and the handler's token fires.
// It does not watch idle connections (the loop's own read notices those) nor handlers that finish at once.
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Skein.Server.Interop;
using Skein.Server.Logging;

namespace Skein.Server.Lifecycle;

/// <summary>
/// Watches connections whose handler is waiting (a long poll, a slow upstream) for their client hanging up,
/// and calls <see cref="Connection.Abandon"/> when one does. Like Go's and Kestrel's servers, a client that
/// closes its sending side counts as gone. The epoll set and its thread start on the first
/// <see cref="Watch"/>; a server whose handlers never wait has neither.
/// </summary>
public sealed class DisconnectWatcher(ILogger log) : IDisposable
{
    private const ulong WakeCookie = ulong.MaxValue; // connection ids start at 1 and never get here
    private const int MaxEvents = 64;
    private readonly ConcurrentDictionary<long, Connection> _watched = new();
    private readonly Lock _gate = new();
    private SafeFileHandle? _epoll;
    private SafeFileHandle? _wake;
    private Thread? _thread;
    private bool _disposed;
    private bool _warned;

    /// <summary>Connections watched now.</summary>
    public int Count => _watched.Count;

    /// <summary>Starts watching <paramref name="connection"/> for a hang-up; false if it cannot be watched
    /// (the socket is already closed, or the watcher is disposed). Pair with <see cref="Unwatch"/>.</summary>
    public bool Watch(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (EnsureStarted() is not { } epoll)
        {
            return false;
        }
        _watched[connection.Id] = connection;
        var watch = new Epoll.Event { Events = Epoll.EPOLLRDHUP | Epoll.EPOLLONESHOT, Data = (ulong)connection.Id };
        if (Control(epoll, Epoll.EPOLL_CTL_ADD, connection, ref watch))
        {
            return true;
        }
        _watched.TryRemove(connection.Id, out _);
        return false;
    }

    /// <summary>Stops watching <paramref name="connection"/> (its handler finished). Safe to call after the
    /// hang-up was reported.</summary>
    public void Unwatch(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _watched.TryRemove(connection.Id, out _);
        if (_epoll is { } epoll)
        {
            // Also after a report: one-shot registrations stay in the set, disarmed, until removed or closed.
            var none = default(Epoll.Event);
            Control(epoll, Epoll.EPOLL_CTL_DEL, connection, ref none);
        }
    }

    /// <summary>Stops the thread and closes the epoll set.</summary>
    public void Dispose()
    {
        Thread? thread;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            thread = _thread;
        }
        if (thread is not null)
        {
            ulong one = 1;
            Epoll.Signal((int)_wake!.DangerousGetHandle(), ref one, sizeof(ulong));
            thread.Join();
        }
        _epoll?.Dispose();
        _wake?.Dispose();
    }

    private SafeFileHandle? EnsureStarted()
    {
        if (Volatile.Read(ref _thread) is not null)
        {
            return _epoll;
        }
        lock (_gate)
        {
            if (_disposed)
            {
                return null;
            }
            if (_thread is not null)
            {
                return _epoll;
            }
            var epoll = new SafeFileHandle(Epoll.Create(Epoll.EPOLL_CLOEXEC), ownsHandle: true);
            var wake = new SafeFileHandle(Epoll.EventFd(0, Epoll.EFD_CLOEXEC), ownsHandle: true);
            var wakeEvent = new Epoll.Event { Events = Epoll.EPOLLIN, Data = WakeCookie };
            if (epoll.IsInvalid || wake.IsInvalid
                || Epoll.Control((int)epoll.DangerousGetHandle(), Epoll.EPOLL_CTL_ADD, (int)wake.DangerousGetHandle(), ref wakeEvent) != 0)
            {
                // Out of descriptors, most likely: this request goes unwatched, the next one tries again.
                var error = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
                epoll.Dispose();
                wake.Dispose();
                if (!_warned)
                {
                    _warned = true;
                    ServerLog.WatcherFailed(log, error);
                }
                return null;
            }
            (_epoll, _wake) = (epoll, wake);
            var thread = new Thread(Run) { Name = "disconnect-watcher", IsBackground = true };
            thread.Start();
            Volatile.Write(ref _thread, thread);
            return epoll;
        }
    }

    // One epoll_ctl on the connection's socket, holding a reference so the descriptor cannot be closed and
    // reused meanwhile. False if the socket is already closed or the call failed.
    private static bool Control(SafeFileHandle epoll, int operation, Connection connection, ref Epoll.Event watch)
    {
        var handle = connection.Handle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Epoll.Control((int)epoll.DangerousGetHandle(), operation, (int)handle.DangerousGetHandle(), ref watch) == 0;
        }
        catch (ObjectDisposedException)
        {
            return false; // closed meanwhile: nothing to watch
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private unsafe void Run()
    {
        var events = stackalloc Epoll.Event[MaxEvents];
        var epoll = (int)_epoll!.DangerousGetHandle();
        while (true)
        {
            var count = Epoll.Wait(epoll, events, MaxEvents, -1);
            if (count < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EINTR)
                {
                    continue;
                }
                ServerLog.WatcherFailed(log, Marshal.GetPInvokeErrorMessage(errno));
                return;
            }
            for (var i = 0; i < count; i++)
            {
                if (events[i].Data == WakeCookie)
                {
                    return;
                }
                if (_watched.TryRemove((long)events[i].Data, out var connection))
                {
                    ServerLog.ClientWentAway(log, connection.Id);
                    connection.Abandon();
                }
            }
        }
    }
}
