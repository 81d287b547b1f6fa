// What every part of a running server shares: options, the application, logging, the connection registry,
// the shutdown coordinator, the threads to join and the access log — passed explicitly instead of living
// in statics. It also holds the two ways to run the one ConnectionLoop (blocking on this thread, or on this
// thread's event loop), admission (the connection limit) and, with --status-path, the scoreboard that counts the
// work and the status endpoints in front of the application. It does not accept or choose threads: models do.
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Skein.Http;
using Skein.Http.Application;
using Skein.Server.Connections;
using Skein.Server.Interop;
using Skein.Server.Lifecycle;
using Skein.Server.Logging;
using Skein.Server.Observability;
using Skein.Server.Threading;

namespace Skein.Server;

/// <summary>
/// The state of one server process. Models receive it and use <see cref="TryAccept"/>,
/// <see cref="ServeBlocking(Connection)"/>, <see cref="ServeAsync(Connection)"/> and <see cref="Reject"/>;
/// worker processes build their own from the options the master passed them.
/// </summary>
public sealed class ServerContext : IDisposable
{
    private ServerOptions _options;
    private AccessLog? _accessLog;
    private readonly ScoreboardSampler? _sampler;

    /// <summary>Creates the context. <paramref name="options"/> must be validated. When the options turn the status
    /// page on, the work is counted in <paramref name="scoreboard"/> (a worker process's shared slot; this context then
    /// owns it) or, by default, in a private one.</summary>
    public ServerContext(ServerOptions options, IHttpHandler handler, ILoggerFactory loggerFactory, TimeProvider? time = null, Scoreboard? scoreboard = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options;
        LoggerFactory = loggerFactory;
        Time = time ?? TimeProvider.System;
        Log = loggerFactory.CreateLogger("Skein.Server");
        Descriptors = new DescriptorBudget();
        Connections = new ConnectionRegistry(options.MaxConnections, Descriptors);
        Shutdown = new ShutdownCoordinator(Connections, options.ShutdownTimeout, Log, Time);
        Threads = new ThreadGroup(Log);
        Disconnects = new DisconnectWatcher(Log);
        _accessLog = options.AccessLog is { } destination ? Lifecycle.AccessLog.Open(destination, Time) : null;
        // The server answers its health check and status endpoints itself, in front of the application (given bare
        // or already wrapped).
        var application = handler is HealthEndpoint health ? health.Application : handler;
        application = application is StatusEndpoints status ? status.Application : application;
        if (options.Observed)
        {
            Scoreboard = scoreboard ?? Scoreboard.CreatePrivate(Time);
            _sampler = new ScoreboardSampler(Scoreboard, Connections, Time);
            application = new StatusEndpoints(application, options, Scoreboard, Time);
        }
        else
        {
            scoreboard?.Dispose();
        }
        Health = new HealthEndpoint(application, options.HealthPath, Shutdown);
    }

    /// <summary>Where this process counts its work for the status page and metrics; null when they are off
    /// (nothing is counted). Fixed at start: a reload does not turn them on or off.</summary>
    public Scoreboard? Scoreboard { get; }

    /// <summary>The validated options; a reload may replace them (<see cref="Apply"/>): read them once per use.</summary>
    public ServerOptions Options => Volatile.Read(ref _options);

    /// <summary>The application, behind the server's health check (<see cref="Health"/>) and, when on, the status
    /// endpoints.</summary>
    public IHttpHandler Handler => Health;

    /// <summary>The health check load balancers poll, answered in front of the application.</summary>
    public HealthEndpoint Health { get; }

    /// <summary>Where loggers come from.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The server's logger.</summary>
    public ILogger Log { get; }

    /// <summary>The clock (Date header, timeouts, shutdown deadline).</summary>
    public TimeProvider Time { get; }

    /// <summary>The connections this process's file descriptors allow, and the reserve it keeps.</summary>
    public DescriptorBudget Descriptors { get; }

    /// <summary>Open connections of this process.</summary>
    public ConnectionRegistry Connections { get; }

    /// <summary>The shutdown sequence and the <see cref="ShutdownCoordinator.Stopping"/> token.</summary>
    public ShutdownCoordinator Shutdown { get; }

    /// <summary>Threads started for connections, joined at shutdown.</summary>
    public ThreadGroup Threads { get; }

    /// <summary>Notices clients that hang up while their handler is pending.</summary>
    public DisconnectWatcher Disconnects { get; }

    /// <summary>The access log, or null when off.</summary>
    public AccessLog? AccessLog => Volatile.Read(ref _accessLog);

    /// <summary>The largest input buffer a connection may need: a request line and a full header section.</summary>
    public int MaxInputBytes => Options.Limits.MaxRequestLineBytes + Options.Limits.MaxHeaderBytes + 1024;

    /// <summary>True when the listening socket bounds each connection's unsent bytes (<see cref="ServerOptions.NotSentLowWater"/>),
    /// which every transport is told.</summary>
    public bool UnsentBounded => Options.NotSentLowWater > 0;

    /// <summary>
    /// Blocks until a connection is accepted and admitted (connections over <see cref="ServerOptions.MaxConnections"/>
    /// get a 503 and are closed here), and returns it. False once the listener stopped (shutdown).
    /// </summary>
    public bool TryAccept(Listener listener, out Connection connection)
    {
        ArgumentNullException.ThrowIfNull(listener);
        while (listener.TryAccept(out var socket, () => Descriptors.OnExhausted(Connections.Count)))
        {
            if (Admit(socket) is { } admitted)
            {
                connection = admitted;
                return true;
            }
        }
        connection = null!;
        return false;
    }

    /// <summary>Registers an accepted socket; when the connection limit is reached, answers 503, closes it and returns null.</summary>
    public Connection? Admit(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Descriptors.OnAccepted(socket.SafeHandle, Connections.Count);
        Scoreboard?.RecordAccepted();
        if (Connections.TryRegister(socket) is { } connection)
        {
            return connection;
        }
        ServerLog.Refused(Log, socket.RemoteEndPoint, RefusalReason());
        SendServiceUnavailable(socket);
        return null;
    }

    /// <summary>Registers a socket an event loop accepted non-blocking (<see cref="Listener.TryAcceptPending(out System.Net.IPEndPoint?, out SocketError)"/>);
    /// when the connection limit is reached, answers 503, closes it and returns null.</summary>
    public Connection? Admit(SafeHandle handle, IPEndPoint? remoteEndPoint)
    {
        ArgumentNullException.ThrowIfNull(handle);
        Descriptors.OnAccepted(handle, Connections.Count);
        Scoreboard?.RecordAccepted();
        if (Connections.TryRegister(handle, remoteEndPoint) is { } connection)
        {
            return connection;
        }
        ServerLog.Refused(Log, remoteEndPoint, RefusalReason());
        SendServiceUnavailable(handle);
        return null;
    }

    /// <summary>Registers a socket a master process handed over (hybrid) for this process's event loop: as a bare
    /// descriptor, like one the loop accepted (a .NET Socket around it would cost seven syscalls to learn what it
    /// is). The master accepted it non-blocking and sent its client's address along (<paramref name="peer"/>, a
    /// struct sockaddr), so no syscall is made for it here; without an address, one fcntl(2) makes it non-blocking
    /// and one getpeername(2) asks the address. Answers 503 past the connection limit, and closes it, logged, if
    /// fcntl fails.</summary>
    public unsafe Connection? AdmitHandedOut(SafeFileHandle descriptor, ReadOnlySpan<byte> peer = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (!peer.IsEmpty)
        {
            return Admit(descriptor, UnixSockets.ToEndPoint(peer));
        }
        if (Fcntl.Call((int)descriptor.DangerousGetHandle(), Fcntl.F_SETFL, Fcntl.O_NONBLOCK) < 0)
        {
            ServerLog.ConnectionFailed(Log, Errno.LastError("fcntl"));
            descriptor.Dispose();
            return null;
        }
        var address = stackalloc byte[UnixSockets.SockAddrBytes];
        var length = (uint)UnixSockets.SockAddrBytes;
        var asked = UnixSockets.GetPeerName((int)descriptor.DangerousGetHandle(), address, &length) == 0
            ? UnixSockets.ToEndPoint(new ReadOnlySpan<byte>(address, (int)Math.Min(length, UnixSockets.SockAddrBytes)))
            : null; // the client is gone already (ENOTCONN): its first read says so
        return Admit(descriptor, asked);
    }

    private string RefusalReason() => Connections.IsOutOfDescriptors
        ? $"{Connections.Count} connections open use the file descriptors this process may have (limit {Descriptors.Limit}, {DescriptorBudget.Headroom} kept free)"
        : $"{Connections.MaxConnections} connections open (--max-connections)";

    /// <summary>Refuses an admitted connection with a quick 503 (e.g. the thread-pool's queue is full) and forgets it.</summary>
    public void Reject(Connection connection, string reason)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ServerLog.Refused(Log, connection.RemoteEndPoint, reason);
        SendServiceUnavailable(connection.Socket);
        Connections.Unregister(connection);
    }

    /// <summary>Serves <paramref name="connection"/> on the calling thread with blocking I/O until it closes
    /// (the thread and process models). Handler awaits are pumped on this thread, which is held throughout.</summary>
    public void ServeBlocking(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        LoopSynchronizationContext.Run(() => ConnectionLoop.ServeAsync(new BlockingSocketTransport(connection.Socket, MaxInputBytes, Options.MinResponseDataRate, UnsentBounded), connection, this));
    }

    /// <summary>Serves <paramref name="connection"/> as <see cref="ServeBlocking(Connection)"/> does, for a server with
    /// one serving thread: while it waits for the client's bytes it also watches the listener and lets
    /// <paramref name="line"/> take newcomers, and the line's rule decides when the client gives way to them.</summary>
    public void ServeBlocking(Connection connection, WaitingLine line)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(line);
        var transport = new LineWatchingTransport(new BlockingSocketTransport(connection.Socket, MaxInputBytes, Options.MinResponseDataRate, UnsentBounded), connection.Socket, line);
        LoopSynchronizationContext.Run(() => ConnectionLoop.ServeAsync(transport, connection, this, line));
    }

    /// <summary>Admits <paramref name="socket"/> (e.g. received from a master process) and serves it on the
    /// calling thread with blocking I/O. Returns false if it was refused (connection limit).</summary>
    public bool ServeBlocking(Socket socket)
    {
        if (Admit(socket) is not { } connection)
        {
            return false;
        }
        ServeBlocking(connection);
        return true;
    }

    /// <summary>Serves <paramref name="connection"/> on the calling event loop (<see cref="EventLoop.Current"/>):
    /// its socket joins the loop's epoll set, and every step of it runs on the loop thread. Completes when the
    /// connection closes; never throws.</summary>
    /// <exception cref="InvalidOperationException">Not called on an event loop's thread.</exception>
    public ValueTask ServeAsync(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var loop = EventLoop.Current ?? throw new InvalidOperationException("ServeAsync runs on an event loop's thread (EventLoop.Spawn).");
        EpollSocketTransport transport;
        try
        {
            transport = new EpollSocketTransport(loop, connection, MaxInputBytes, Options.MinResponseDataRate, UnsentBounded);
        }
        catch (IOException e)
        {
            // fcntl failed on a handed-over socket (out of memory, or the descriptor is gone). Close it rather than stall it.
            ServerLog.ConnectionFailed(Log, e);
            connection.CloseSocket();
            Connections.Unregister(connection);
            return ValueTask.CompletedTask;
        }
        return ConnectionLoop.ServeAsync(transport, connection, this);
    }

    /// <summary>
    /// A reload, in this process: from now on new connections use <paramref name="next"/> (limits, timeouts are
    /// read per connection; connections already open keep the options they started with), and the access log
    /// follows its new destination. What is fixed at start (the registry's limit, the shutdown timeout, the
    /// logger) is the caller's to keep: <see cref="Lifecycle.Reconfiguration"/> says which options that is.
    /// </summary>
    /// <exception cref="IOException">The new access log file cannot be opened; nothing was changed.</exception>
    /// <exception cref="UnauthorizedAccessException">The new access log file may not be opened; nothing was changed.</exception>
    public void Apply(ServerOptions next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var running = Options;
        if (next.AccessLog != running.AccessLog)
        {
            var fresh = next.AccessLog is { } destination ? Lifecycle.AccessLog.Open(destination, Time) : null;
            Interlocked.Exchange(ref _accessLog, fresh)?.Dispose();
        }
        Volatile.Write(ref _options, next);
    }

    /// <summary>Opens the access log file again by its name (SIGUSR1, after logrotate renamed it).</summary>
    /// <exception cref="IOException">The file cannot be opened; lines keep going to the old one.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be opened; lines keep going to the old one.</exception>
    public void ReopenLogs() => AccessLog?.Reopen();

    /// <summary>Releases the registry, coordinator, thread group, disconnect watcher and access log.</summary>
    public void Dispose()
    {
        Shutdown.Dispose();
        Connections.Dispose();
        Threads.Dispose();
        Disconnects.Dispose();
        Descriptors.Dispose();
        AccessLog?.Dispose();
        _sampler?.Dispose();
        Scoreboard?.Dispose();
    }

    // A quick 503 without reading the request: written by the core like any rejection, sent in one small
    // write (it fits an empty socket buffer, so it does not block the accepting thread), then closed.
    private void SendServiceUnavailable(Socket socket)
    {
        var output = new OutputBuffer();
        try
        {
            WriteServiceUnavailable(output);
            var sent = socket.Send(output.WrittenMemory.Span, SocketFlags.None, out _);
            Scoreboard?.RecordResponse(503, sent, TimeSpan.Zero);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The client is already gone.
        }
        finally
        {
            output.Reset();
            socket.Dispose();
        }
    }

    // The same for a descriptor an event loop accepted: one non-blocking send(2), then close(2).
    private unsafe void SendServiceUnavailable(SafeHandle descriptor)
    {
        var output = new OutputBuffer();
        var added = false;
        try
        {
            WriteServiceUnavailable(output);
            descriptor.DangerousAddRef(ref added);
            fixed (byte* bytes = output.WrittenMemory.Span)
            {
                var sent = UnixSockets.Send((int)descriptor.DangerousGetHandle(), bytes, (nuint)output.WrittenCount,
                    UnixSockets.MSG_NOSIGNAL | UnixSockets.MSG_DONTWAIT); // the client may be gone already
                Scoreboard?.RecordResponse(503, Math.Max((long)sent, 0), TimeSpan.Zero);
            }
        }
        finally
        {
            if (added)
            {
                descriptor.DangerousRelease();
            }
            output.Reset();
            descriptor.Dispose();
        }
    }

    private void WriteServiceUnavailable(OutputBuffer output)
    {
        using var http = new Http1Connection(Options.Limits, Time);
        http.WriteRejection(output, new HttpProtocolException(RejectReason.ServiceUnavailable));
    }
}
