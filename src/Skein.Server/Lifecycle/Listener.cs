// A bound, listening TCP socket and the accept calls on it. It does not decide what happens to an accepted
// connection (the model does) nor whether it is admitted (ServerContext does).
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Skein.Server.Logging;

namespace Skein.Server.Lifecycle;

/// <summary>
/// The listening socket. Create it with <c>Bind</c>, or with <see cref="FromHandle"/> around a
/// listening socket inherited from a parent process (pre-fork workers all accept from the same one).
/// <see cref="Stop"/> (or dispose) wakes every thread blocked in <see cref="TryAccept"/>.
/// </summary>
public sealed class Listener : IDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);
    private readonly ILogger? _log;
    private readonly ManualResetEventSlim _stoppedEvent = new();
    private volatile bool _stopped;
    private bool _shared;

    private Listener(Socket socket, ILogger? log)
    {
        Socket = socket;
        _log = log;
        EndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    /// <summary>The listening socket (for handing to worker processes; do not accept on it directly).</summary>
    public Socket Socket { get; }

    /// <summary>The address and port actually bound (the real port when 0 was asked for).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>True once <see cref="Stop"/> was called.</summary>
    public bool IsStopped => _stopped;

    /// <summary>Binds <paramref name="address"/>:<paramref name="port"/> and listens with
    /// <paramref name="backlog"/>. Throws <see cref="SocketException"/> (e.g. AddressAlreadyInUse).</summary>
    public static Listener Bind(IPAddress address, int port, int backlog, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        Connections.AsyncSocketTransport.PreferInlineCompletions(); // before this process's first socket (perf: transport)
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true; // "::" should also take IPv4 clients, as on most servers
            }
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(backlog);
            return new Listener(socket, log);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Binds as <see cref="ServerOptions"/> say.</summary>
    public static Listener Bind(ServerOptions options, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Bind(options.BindAddress, options.Port, options.Backlog, log);
    }

    /// <summary>Wraps an already listening socket inherited as a file descriptor (Kestrel's
    /// <c>SocketConnectionListener</c> does the same for handles passed in by systemd).</summary>
    public static Listener FromHandle(SafeSocketHandle handle, ILogger? log = null) => new(new Socket(handle), log);

    /// <summary>Wraps a listening socket that other processes accept from too (process-pool and hybrid
    /// workers; prepared by <c>SharedListeningSocket</c>). Accepts block as usual; <see cref="Stop"/> closes
    /// only this process's copy and never shuts the socket down, which would stop it for every process.</summary>
    public static Listener FromShared(SafeSocketHandle handle, ILogger? log = null)
        => new(new Socket(handle) { Blocking = true }, log) { _shared = true };

    /// <summary>
    /// Blocks until a connection arrives and returns true with it; returns false once the listener is
    /// stopped. Transient errors (out of file descriptors, a connection reset before accept) back off
    /// 5 ms doubling to 1 s, as Go's <c>net/http</c> does, instead of spinning.
    /// </summary>
    public bool TryAccept(out Socket socket)
    {
        var backoff = TimeSpan.Zero;
        while (!_stopped)
        {
            try
            {
                socket = Socket.Accept();
                socket.NoDelay = true;
                return true;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException e) when (_stopped || e.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.InvalidArgument or SocketError.Shutdown)
            {
                break;
            }
            catch (SocketException e)
            {
                backoff = backoff == TimeSpan.Zero ? FirstBackoff : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                if (_log is not null)
                {
                    ServerLog.AcceptFailed(_log, e.SocketErrorCode, backoff.TotalMilliseconds);
                }
                _stoppedEvent.Wait(backoff); // sleep, but wake at once when stopped
            }
        }
        socket = null!;
        return false;
    }

    /// <summary>Asynchronous accept for event-loop code; null once the listener is stopped.</summary>
    public async ValueTask<Socket?> AcceptAsync(CancellationToken cancellationToken)
    {
        while (!_stopped)
        {
            try
            {
                var socket = await Socket.AcceptAsync(cancellationToken);
                socket.NoDelay = true;
                return socket;
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            catch (SocketException e) when (_stopped || e.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.InvalidArgument)
            {
                return null;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
            {
                // The client gave up between SYN and accept: nothing to do, accept the next one.
            }
        }
        return null;
    }

    /// <summary>Stops accepting: closes the socket, which wakes blocked accepts. Idempotent.</summary>
    public void Stop()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        _stoppedEvent.Set();
        try
        {
            // shutdown(2) on a listening socket wakes threads blocked in accept(2) on Linux; close alone may not.
            // Never on a shared one: it would stop every process's accepts. Disposing our copy wakes ours.
            if (!_shared)
            {
                Socket.Shutdown(SocketShutdown.Both);
            }
        }
        catch (SocketException)
        {
            // Not connected is the normal answer for a listening socket on some kernels; close follows anyway.
        }
        Socket.Dispose();
    }

    /// <summary>Same as <see cref="Stop"/>.</summary>
    public void Dispose() => Stop();
}
