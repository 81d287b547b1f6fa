// One accepted connection as the server's lifecycle sees it: an id, its socket, its state and a way to
// close or abort it from another thread. It does not read or write (the ConnectionLoop does).
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Skein.Server.Interop;

namespace Skein.Server.Lifecycle;

/// <summary>
/// An accepted connection registered with a <see cref="ConnectionRegistry"/>. State changes are atomic, so
/// shutdown can close exactly the idle connections: a connection moving from Idle to Active and shutdown
/// closing it race on one compare-and-swap, and only one wins.
/// </summary>
public sealed class Connection : IDisposable
{
    private readonly CancellationTokenSource _aborted = new();
    private int _state = (int)ConnectionState.New;
    private long _quietSince = Environment.TickCount64; // when it was accepted or last became idle (ms, monotonic)
    private Socket? _socket;

    internal Connection(long id, Socket socket)
        : this(id, socket.SafeHandle, socket.RemoteEndPoint as IPEndPoint)
    {
        _socket = socket;
    }

    // A connection an event loop accepted itself (accept4): a descriptor and an address, no .NET Socket.
    internal Connection(long id, SafeHandle handle, IPEndPoint? remoteEndPoint)
    {
        Id = id;
        Handle = handle;
        RemoteEndPoint = remoteEndPoint;
    }

    /// <summary>The connection id shown in verbose logs, unique within the process.</summary>
    public long Id { get; }

    /// <summary>The accepted socket's descriptor (for epoll, shutdown, passing it to another process).</summary>
    public SafeHandle Handle { get; }

    /// <summary>The accepted socket, for blocking I/O (the thread and process models).</summary>
    /// <exception cref="InvalidOperationException">An event loop accepted the connection: it has only its
    /// descriptor, <see cref="Handle"/> (a .NET Socket around it would cost eight syscalls to learn what it is).</exception>
    public Socket Socket => _socket ?? throw new InvalidOperationException("An event loop accepted this connection: it has a descriptor (Handle), no .NET Socket.");

    /// <summary>True when the connection came with a .NET socket (accepted or received as one), rather than as a
    /// descriptor an event loop accepted non-blocking.</summary>
    internal bool HasSocket => _socket is not null;

    /// <summary>Closes the socket (its transport does, when the connection ends).</summary>
    internal void CloseSocket()
    {
        if (_socket is { } socket)
        {
            socket.Dispose();
        }
        else
        {
            Handle.Dispose();
        }
    }

    /// <summary>The client's address and port.</summary>
    public IPEndPoint? RemoteEndPoint { get; }

    /// <summary>The current state.</summary>
    public ConnectionState State => (ConnectionState)Volatile.Read(ref _state);

    /// <summary>Fires when the connection is aborted (shutdown deadline) or abandoned by its client (hang-up
    /// while a request was in progress): handlers get it as their token.</summary>
    public CancellationToken Aborted => _aborted.Token;

    /// <summary>New or Idle → Active, when the first byte of a request arrives. False if shutdown closed it first.</summary>
    public bool TryBecomeActive()
        => Interlocked.CompareExchange(ref _state, (int)ConnectionState.Active, (int)ConnectionState.Idle) == (int)ConnectionState.Idle
        || Interlocked.CompareExchange(ref _state, (int)ConnectionState.Active, (int)ConnectionState.New) == (int)ConnectionState.New;

    /// <summary>Active → Idle, after a response on a keep-alive connection. False if it was closed meanwhile.</summary>
    public bool TryBecomeIdle()
    {
        Volatile.Write(ref _quietSince, Environment.TickCount64);
        return Interlocked.CompareExchange(ref _state, (int)ConnectionState.Idle, (int)ConnectionState.Active) == (int)ConnectionState.Active;
    }

    /// <summary>How long the connection has been New or Idle (meaningless while Active).</summary>
    public TimeSpan QuietFor => TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _quietSince));

    /// <summary>Closes the connection if it is New or Idle (no request in progress), has been for at least
    /// <paramref name="quietFor"/>, and holds no unread bytes (a request waiting to be read); true if it did.</summary>
    public bool TryCloseIfIdle(TimeSpan quietFor = default)
    {
        if (QuietFor < quietFor || HasUnreadBytes())
        {
            return false;
        }
        if (Interlocked.CompareExchange(ref _state, (int)ConnectionState.Closed, (int)ConnectionState.Idle) == (int)ConnectionState.Idle
            || Interlocked.CompareExchange(ref _state, (int)ConnectionState.Closed, (int)ConnectionState.New) == (int)ConnectionState.New)
        {
            ShutdownSocket();
            return true;
        }
        return false;
    }

    /// <summary>Aborts whatever the connection is doing: cancels the handler's token and shuts the socket
    /// down, which wakes a thread blocked reading or writing it. The connection's own loop then closes it.</summary>
    public void Abort()
    {
        Volatile.Write(ref _state, (int)ConnectionState.Closed);
        CancelHandler();
        ShutdownSocket();
    }

    /// <summary>The client hung up while a request was in progress (<see cref="DisconnectWatcher"/>): cancels
    /// the handler's token. The socket is left alone; the connection's own loop drops it.</summary>
    public void Abandon() => CancelHandler();

    /// <summary>Marks the connection closed and releases its token (its registry does this when it is unregistered).</summary>
    public void Dispose()
    {
        Volatile.Write(ref _state, (int)ConnectionState.Closed);
        _aborted.Dispose();
    }

    // Abort and Abandon come from other threads (the shutdown's AbortAll, the disconnect watcher) and may race
    // the connection's own end, which disposes the token: a token already disposed has nothing left to cancel.
    private void CancelHandler()
    {
        try
        {
            _aborted.Cancel();
        }
        catch (AggregateException)
        {
            // A handler's cancellation callback threw; the connection is going away regardless.
        }
        catch (ObjectDisposedException)
        {
            // The connection ended between being listed and this call.
        }
    }

    // Bytes the client sent that nobody has read yet: a request is there, so the connection is not idle, however
    // long it has been New (a connection waiting in a queue for a thread: single's line, the thread pool's queue).
    // Only a blocking model's connections wait like that; an event loop reads what arrives at once.
    private bool HasUnreadBytes()
    {
        try
        {
            return _socket is { } socket && socket.Available > 0;
        }
        catch (SocketException)
        {
            return false; // reset: nothing to serve
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    private void ShutdownSocket()
    {
        try
        {
            if (_socket is { } socket)
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            else
            {
                // The event loop's descriptor: wakes its epoll set, which reports the hang-up to the transport.
                _ = UnixSockets.Shutdown(Handle, UnixSockets.SHUT_RDWR); // ENOTCONN when already reset: closing anyway
            }
        }
        catch (SocketException)
        {
            // Already reset or not connected: it is closing anyway.
        }
        catch (ObjectDisposedException)
        {
            // Its loop closed it first.
        }
    }
}
