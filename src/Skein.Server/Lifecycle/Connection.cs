// One accepted connection as the server's lifecycle sees it: an id, its socket, its state and a way to
// close or abort it from another thread. It does not read or write (the ConnectionLoop does).
using System.Net;
using System.Net.Sockets;

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

    internal Connection(long id, Socket socket)
    {
        Id = id;
        Socket = socket;
        RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint;
    }

    /// <summary>The connection id shown in verbose logs, unique within the process.</summary>
    public long Id { get; }

    /// <summary>The accepted socket.</summary>
    public Socket Socket { get; }

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

    /// <summary>Closes the connection if it is New or Idle (no request in progress) and has been for at least
    /// <paramref name="quietFor"/>; true if it did.</summary>
    public bool TryCloseIfIdle(TimeSpan quietFor = default)
    {
        if (QuietFor < quietFor)
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

    private void ShutdownSocket()
    {
        try
        {
            Socket.Shutdown(SocketShutdown.Both);
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
