// A bound, listening TCP socket and the accept calls on it: blocking ones for the thread and process models,
// a non-blocking accept4(2) for an event loop that saw it readable. It does not decide what happens to an
// accepted connection (the model does) nor whether it is admitted (ServerContext does).
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Skein.Server.Interop;
using Skein.Server.Logging;

namespace Skein.Server.Lifecycle;

/// <summary>
/// The listening socket. Create it with <c>Bind</c>, or with <see cref="FromShared"/> around a listening
/// socket other processes hold too (one passed by systemd, or by a master to its pre-fork workers).
/// <see cref="Stop"/> (or dispose) wakes every thread blocked in <see cref="TryAccept"/> or
/// <see cref="TryAcceptDescriptor"/>.
/// </summary>
public sealed class Listener : IDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);
    private readonly ILogger? _log;
    private readonly ManualResetEventSlim _stoppedEvent = new();
    private volatile bool _stopped;
    private readonly bool _shared;
    // Set when the socket is non-blocking underneath (O_NONBLOCK belongs to the open file, so a socket others hold
    // may have it whatever this process wants): an accept that waits then waits in poll(2) on the socket and on
    // this eventfd, which Stop signals. Null for a socket that blocks, whose accept(2) Stop's shutdown(2) wakes.
    private SafeFileHandle? _wake;
    private bool _eventLoop; // PrepareForEventLoop was called: only the non-blocking TryAcceptPending may be used
    private int _failures;       // consecutive failed accepts (one burst); touched by the accepting thread only
    private long _failingSince;

    private Listener(Socket socket, ILogger? log, bool shared = false)
    {
        Socket = socket;
        _log = log;
        _shared = shared;
        EndPoint = (IPEndPoint)socket.LocalEndPoint!;
        if (Fcntl.IsNonBlocking((int)socket.SafeHandle.DangerousGetHandle()))
        {
            _wake = NewWake();
        }
        // Linux copies TCP_NODELAY to every socket accepted from this one (inet_csk_clone_lock copies the whole
        // socket): set once here, also on one inherited from systemd or a master, no accept needs a setsockopt.
        try
        {
            socket.NoDelay = true;
        }
        catch (SocketException)
        {
            // Not a TCP socket: there is no Nagle to turn off.
        }
    }

    /// <summary>The listening socket (for handing to worker processes; do not accept on it directly).</summary>
    public Socket Socket { get; }

    /// <summary>The address and port actually bound (the real port when 0 was asked for).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>True once <see cref="Stop"/> was called.</summary>
    public bool IsStopped => _stopped;

    /// <summary>Binds <paramref name="address"/>:<paramref name="port"/> and listens with
    /// <paramref name="backlog"/>; a positive <paramref name="deferAccept"/> hands a connection to accept only
    /// once its first bytes arrived, or once that time passed (TCP_DEFER_ACCEPT, see
    /// <see cref="ServerOptions.DeferAccept"/>). Throws <see cref="SocketException"/> (e.g. AddressAlreadyInUse).</summary>
    public static Listener Bind(IPAddress address, int port, int backlog, ILogger? log = null, TimeSpan deferAccept = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true; // "::" should also take IPv4 clients, as on most servers
            }
            socket.Bind(new IPEndPoint(address, port));
            if (deferAccept > TimeSpan.Zero)
            {
                // Whole seconds, rounded up; the kernel turns them into a count of SYN-ACK retransmissions.
                var seconds = (int)Math.Min(int.MaxValue, Math.Ceiling(deferAccept.TotalSeconds));
                // .NET's SocketOptionName has no name for it: set raw.
                socket.SetRawSocketOption(UnixSockets.IPPROTO_TCP, UnixSockets.TCP_DEFER_ACCEPT, BitConverter.GetBytes(seconds));
            }
            socket.Listen(backlog);
            return new Listener(socket, log);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The kernel's ceiling on a listen backlog, net.core.somaxconn, as /proc says it now (Go's
    /// maxListenerBacklog; <see cref="ServerOptions.DefaultBacklog"/> reads it once per process); 4,096, its default since Linux 5.4, when /proc cannot say.</summary>
    public static int KernelMaxBacklog()
    {
        const int LinuxDefault = 4096;
        try
        {
            return int.TryParse(File.ReadAllText("/proc/sys/net/core/somaxconn").AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max > 0
                ? max
                : LinuxDefault;
        }
        catch (IOException)
        {
            return LinuxDefault; // not Linux, or /proc not mounted (a container without it)
        }
        catch (UnauthorizedAccessException)
        {
            return LinuxDefault;
        }
    }

    /// <summary>Binds as <see cref="ServerOptions"/> say.</summary>
    public static Listener Bind(ServerOptions options, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var listener = Bind(options.BindAddress, options.Port, options.Backlog, log, options.DeferAccept);
        try
        {
            listener.LimitUnsentBytes(options.NotSentLowWater);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>Lets the kernel hold at most <paramref name="bytes"/> unsent for each connection accepted from here
    /// on (TCP_NOTSENT_LOWAT, which accepted sockets inherit, as they do TCP_NODELAY; see
    /// <see cref="ServerOptions.NotSentLowWater"/>); zero leaves the kernel's default. On a shared socket this
    /// holds for every process accepting from it.</summary>
    /// <exception cref="SocketException">The kernel refused it (before Linux 3.12).</exception>
    public void LimitUnsentBytes(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes > 0)
        {
            // .NET's SocketOptionName has no name for it: set raw.
            Socket.SetRawSocketOption(UnixSockets.IPPROTO_TCP, UnixSockets.TCP_NOTSENT_LOWAT, BitConverter.GetBytes(bytes));
        }
    }

    /// <summary>Wraps a listening socket that other processes accept from too (one systemd passed; process-pool
    /// and hybrid workers' copies; prepared by <c>SharedListeningSocket</c>, which makes it non-blocking). Accepts
    /// wait as usual; <see cref="Stop"/> closes only this process's copy and never shuts the socket down, which
    /// would stop it for every process.</summary>
    /// <exception cref="SocketException">No eventfd for <see cref="Stop"/> to wake a waiting accept with (EMFILE).</exception>
    public static Listener FromShared(SafeSocketHandle handle, ILogger? log = null) => new(new Socket(handle), log, shared: true);

    /// <summary>True for a listening socket other processes accept from too (<see cref="FromShared"/>).</summary>
    public bool IsShared => _shared;

    /// <summary>Makes the socket non-blocking, for an event loop's <see cref="TryAcceptPending(out IPEndPoint?, out SocketError)"/> (blocking
    /// <see cref="TryAccept"/> must not be used on it afterwards).</summary>
    /// <exception cref="IOException">fcntl failed.</exception>
    public void PrepareForEventLoop()
    {
        Fcntl.SetNonBlocking((int)Socket.SafeHandle.DangerousGetHandle());
        _eventLoop = true;
    }

    /// <summary>Makes the socket non-blocking underneath for a master that hands out every connection pending
    /// at once (<see cref="TryAcceptDescriptorNow"/> after <see cref="TryAcceptDescriptor"/>, which then waits in
    /// poll(2) on the socket and on an eventfd <see cref="Stop"/> signals). Call before the first accept.</summary>
    /// <exception cref="SocketException">No eventfd (EMFILE).</exception>
    /// <exception cref="IOException">fcntl failed.</exception>
    public void PrepareForHandOut()
    {
        if (_wake is null)
        {
            var wake = NewWake();
            Fcntl.SetNonBlocking((int)Socket.SafeHandle.DangerousGetHandle());
            Volatile.Write(ref _wake, wake); // a Stop that still saw none shuts the socket down, which wakes poll(2) too
        }
    }

    private static SafeFileHandle NewWake()
    {
        var wake = new SafeFileHandle(Epoll.EventFd(0, Epoll.EFD_CLOEXEC | Epoll.EFD_NONBLOCK), ownsHandle: true);
        if (wake.IsInvalid)
        {
            var errno = Errno.Last;
            wake.Dispose();
            throw Errno.SocketError(errno);
        }
        return wake;
    }

    /// <summary>
    /// One accept4(2) that does not wait, for an event loop that saw the socket readable (after
    /// <see cref="PrepareForEventLoop"/>). The new socket is non-blocking and close-on-exec from the call itself,
    /// has TCP_NODELAY from this one and its client's address from the same call: no other syscall is made for it
    /// (.NET's Accept makes two fcntl calls on a non-blocking listener, and reports "nothing pending" by throwing).
    /// Returns its descriptor (closed with close(2) when disposed), or null with <paramref name="error"/>: <see cref="SocketError.WouldBlock"/> when
    /// nothing is pending, <see cref="SocketError.ConnectionAborted"/> for a client that gave up first (accept the
    /// next), <see cref="SocketError.TooManyOpenSockets"/> or <see cref="SocketError.NoBufferSpaceAvailable"/>
    /// (transient: back off), <see cref="SocketError.InvalidArgument"/> or <see cref="SocketError.OperationAborted"/>
    /// once the listener is stopped.
    /// </summary>
    public unsafe SafeHandle? TryAcceptPending(out IPEndPoint? remoteEndPoint, out SocketError error)
    {
        var address = stackalloc byte[UnixSockets.SockAddrBytes];
        var length = (uint)UnixSockets.SockAddrBytes;
        var fd = Accept4(UnixSockets.SOCK_NONBLOCK | UnixSockets.SOCK_CLOEXEC, address, &length, out error);
        if (fd < 0)
        {
            remoteEndPoint = null;
            return null;
        }
        remoteEndPoint = UnixSockets.ToEndPoint(new ReadOnlySpan<byte>(address, (int)Math.Min(length, UnixSockets.SockAddrBytes)));
        // A plain close(2) when done: a SafeSocketHandle disposed without its Socket closes abortively
        // (SO_LINGER 0: the client would get a reset, not a FIN).
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    // One accept4(2), retried on EINTR, with a reference on the listening socket held for the call, so that its
    // number cannot be closed and reused under it: the new descriptor, or -1 and what went wrong
    // (OperationAborted when the socket was closed before the call).
    private unsafe int Accept4(int flags, byte* address, uint* length, out SocketError error)
    {
        var handle = Socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var asked = length is null ? 0u : *length;
            while (true)
            {
                var fd = UnixSockets.Accept4((int)handle.DangerousGetHandle(), address, length, flags);
                if (fd >= 0)
                {
                    error = SocketError.Success;
                    return fd;
                }
                var errno = Errno.Last;
                if (errno != Errno.EINTR)
                {
                    error = Errno.ToSocketError(errno);
                    return -1;
                }
                if (length is not null)
                {
                    *length = asked;
                }
            }
        }
        catch (ObjectDisposedException)
        {
            error = SocketError.OperationAborted; // stopped and closed meanwhile
            return -1;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Blocks until a connection arrives and returns true with it; returns false once the listener is
    /// stopped. A connection its client abandoned before the accept is skipped. Other failures (out of file
    /// descriptors: EMFILE, ENFILE; out of memory: ENOBUFS) are transient: it backs off 5 ms doubling to
    /// 1 s, as Go's <c>net/http</c> does, instead of spinning, logs once when such a burst begins and once
    /// when accepting resumes, and keeps trying until it does. <paramref name="onOutOfDescriptors"/> runs when
    /// a failure is for lack of file descriptors (EMFILE, ENFILE), before the back-off.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called after <see cref="PrepareForEventLoop"/>.</exception>
    public bool TryAccept(out Socket socket, Action? onOutOfDescriptors = null)
    {
        EnsureWaitingAllowed();
        var backoff = TimeSpan.Zero;
        while (!_stopped)
        {
            var error = _wake is null ? AcceptBlocking(out socket) : AcceptNonBlocking(out socket);
            if (error == SocketError.Success)
            {
                EndBurst();
                return true;
            }
            if (!KeepAccepting(error, ref backoff, onOutOfDescriptors))
            {
                break;
            }
        }
        socket = null!;
        return false;
    }

    /// <summary>
    /// As <see cref="TryAccept"/>, for a master that passes the connection on to another process (hybrid): one
    /// accept4(2) that waits for a client, whose new socket is non-blocking and close-on-exec from the call itself (the
    /// worker's event loop needs no fcntl), with its client's address (a struct sockaddr) written into
    /// <paramref name="address"/> (at least <see cref="UnixSockets.SockAddrBytes"/>) and its length in
    /// <paramref name="addressLength"/> (the worker needs no getpeername). The descriptor is closed with
    /// close(2) when disposed. <paramref name="nonePending"/>: the caller's last <see cref="TryAcceptDescriptorNow"/>
    /// found nothing, so a non-blocking socket is waited on (poll(2)) before the first accept4, not after a second
    /// one that fails.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called after <see cref="PrepareForEventLoop"/>.</exception>
    public bool TryAcceptDescriptor(Span<byte> address, out int addressLength, out SafeHandle descriptor, Action? onOutOfDescriptors = null, bool nonePending = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(address.Length, UnixSockets.SockAddrBytes);
        EnsureWaitingAllowed();
        var backoff = TimeSpan.Zero;
        if (nonePending && _wake is not null)
        {
            WaitUntilReadableOrStopped();
        }
        while (!_stopped)
        {
            if (AcceptDescriptor(address, out addressLength, out var error) is { } accepted)
            {
                EndBurst();
                descriptor = accepted;
                return true;
            }
            if (error == SocketError.WouldBlock && _wake is not null)
            {
                WaitUntilReadableOrStopped(); // nothing pending (or another process took it): wait for the next one
            }
            if (!KeepAccepting(error, ref backoff, onOutOfDescriptors))
            {
                break;
            }
        }
        (addressLength, descriptor) = (0, null!);
        return false;
    }

    /// <summary>
    /// As <see cref="TryAcceptDescriptor"/>, without waiting (after <see cref="PrepareForHandOut"/>): true with a
    /// connection that is already pending; false when none is, or when this accept failed (a client that gave up
    /// first, out of descriptors, stopped): the next <see cref="TryAcceptDescriptor"/> waits, skips or backs off.
    /// </summary>
    public bool TryAcceptDescriptorNow(Span<byte> address, out int addressLength, out SafeHandle descriptor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(address.Length, UnixSockets.SockAddrBytes);
        descriptor = AcceptDescriptor(address, out addressLength, out _)!;
        return descriptor is not null;
    }

    // One accept4(2) of a non-blocking, close-on-exec socket with its client's address in `address`; null with
    // the error when none was accepted.
    private unsafe SafeFileHandle? AcceptDescriptor(Span<byte> address, out int addressLength, out SocketError error)
    {
        var length = (uint)UnixSockets.SockAddrBytes;
        int fd;
        fixed (byte* into = address)
        {
            fd = Accept4(UnixSockets.SOCK_NONBLOCK | UnixSockets.SOCK_CLOEXEC, into, &length, out error);
        }
        addressLength = fd >= 0 ? (int)Math.Min(length, UnixSockets.SockAddrBytes) : 0;
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : null;
    }

    // After a failed accept: false once the listener is stopped; true to accept the next connection when the
    // client gave up between its SYN and our accept; for other failures (out of file descriptors: EMFILE,
    // ENFILE; out of memory: ENOBUFS) backs off 5 ms doubling to 1 s first, logging when such a burst begins.
    private bool KeepAccepting(SocketError error, ref TimeSpan backoff, Action? onOutOfDescriptors)
    {
        if (error == SocketError.WouldBlock && _wake is not null)
        {
            return !_stopped; // a non-blocking socket had nothing pending, and its wait saw a connection or Stop
        }
        if (_stopped || error is SocketError.OperationAborted or SocketError.Interrupted or SocketError.InvalidArgument or SocketError.Shutdown)
        {
            return false;
        }
        if (error is SocketError.ConnectionAborted or SocketError.ConnectionReset)
        {
            return true; // nothing to do: accept the next one
        }
        if (error == SocketError.TooManyOpenSockets)
        {
            onOutOfDescriptors?.Invoke();
        }
        backoff = backoff == TimeSpan.Zero ? FirstBackoff : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        if (_failures++ == 0)
        {
            _failingSince = Environment.TickCount64;
            if (_log is not null)
            {
                ServerLog.AcceptFailed(_log, error, FirstBackoff.TotalMilliseconds, MaxBackoff.TotalMilliseconds);
            }
        }
        _stoppedEvent.Wait(backoff); // sleep, but wake at once when stopped
        return true;
    }

    /// <summary>
    /// Accepts a connection already waiting in the backlog without blocking: false when none is (another process
    /// sharing the socket took it), when the listener is stopped, or when accept failed
    /// (<paramref name="onOutOfDescriptors"/> runs for EMFILE/ENFILE; the caller's next look tries again). For a
    /// thread that polls the listener beside its client and also blocks in <see cref="TryAccept"/> when it has none
    /// (<see cref="WaitingLine"/>); an event loop, which never blocks, uses
    /// <see cref="TryAcceptPending(out IPEndPoint?, out SocketError)"/>. The socket stays as it was underneath; a
    /// blocking one is polled first (a connection once in the accept queue stays there even if its client resets it,
    /// so a poll(2) that saw one means the accept4 after it does not block).
    /// </summary>
    public bool TryAcceptNow(out Socket socket, Action? onOutOfDescriptors = null)
    {
        socket = null!;
        try
        {
            if (_stopped || (_wake is null && !Socket.Poll(0, SelectMode.SelectRead)))
            {
                return false;
            }
        }
        catch (ObjectDisposedException)
        {
            return false; // stopped meanwhile
        }
        unsafe
        {
            var fd = Accept4(UnixSockets.SOCK_CLOEXEC, null, null, out var error);
            if (fd < 0)
            {
                if (error == SocketError.TooManyOpenSockets)
                {
                    onOutOfDescriptors?.Invoke();
                }
                return false; // WouldBlock: nothing waiting; ConnectionAborted: the client gave up first
            }
            socket = Wrap(fd);
        }
        EndBurst();
        return true;
    }

    // Refuses an accept that waits once an event loop has made the socket non-blocking: no eventfd was made for Stop
    // to wake it with, and AcceptBlocking would be .NET's emulated Accept (AcceptNonBlocking says why that is bad).
    private void EnsureWaitingAllowed()
    {
        if (_eventLoop)
        {
            throw new InvalidOperationException("this listener is an event loop's (PrepareForEventLoop): accept with TryAcceptPending");
        }
    }

    // .NET's blocking Accept, on a socket blocking underneath: a real accept(2), which Stop's shutdown(2) wakes.
    private SocketError AcceptBlocking(out Socket socket)
    {
        try
        {
            socket = Socket.Accept(); // TCP_NODELAY comes from the listening socket
            return SocketError.Success;
        }
        catch (ObjectDisposedException)
        {
            socket = null!;
            return SocketError.OperationAborted;
        }
        catch (SocketException e)
        {
            socket = null!;
            return e.SocketErrorCode;
        }
    }

    // On a socket non-blocking underneath (a shared one: O_NONBLOCK belongs to the open file every process holds)
    // .NET only emulates a blocking Accept, over its own epoll thread. When the socket is disposed under that
    // emulated Accept, .NET 10 takes descriptor 0 for the accepted one and closes it (SocketAsyncContext.Accept
    // leaves acceptedFd = default when its wait is aborted, and Socket.Accept disposes the handle it made of it):
    // the process's standard input, or whichever socket has taken number 0 since. So such a socket is accepted
    // from with accept4(2) here, after a poll(2) on it and on the eventfd Stop signals (WouldBlock: nothing was
    // pending, or another process took it; the wait has seen the next one arrive, or Stop).
    private unsafe SocketError AcceptNonBlocking(out Socket socket)
    {
        socket = null!;
        var fd = Accept4(UnixSockets.SOCK_CLOEXEC, null, null, out var error);
        if (fd >= 0)
        {
            socket = Wrap(fd);
            return SocketError.Success;
        }
        if (error == SocketError.WouldBlock)
        {
            WaitUntilReadableOrStopped();
        }
        return error;
    }

    private unsafe void WaitUntilReadableOrStopped()
    {
        var listening = Socket.SafeHandle;
        var wake = _wake!;
        bool listeningAdded = false, wakeAdded = false;
        try
        {
            listening.DangerousAddRef(ref listeningAdded);
            wake.DangerousAddRef(ref wakeAdded);
            var fds = stackalloc UnixSockets.PollFd[2];
            fds[0] = new UnixSockets.PollFd { Fd = (int)listening.DangerousGetHandle(), Events = UnixSockets.POLLIN };
            fds[1] = new UnixSockets.PollFd { Fd = (int)wake.DangerousGetHandle(), Events = UnixSockets.POLLIN };
            _ = UnixSockets.Poll(fds, 2, -1); // EINTR, or readable: the caller's next accept4 says which
        }
        catch (ObjectDisposedException)
        {
            // Stopped meanwhile: the caller sees it.
        }
        finally
        {
            if (wakeAdded)
            {
                wake.DangerousRelease();
            }
            if (listeningAdded)
            {
                listening.DangerousRelease();
            }
        }
    }

    // A Socket around a descriptor accept4 returned (TCP_NODELAY comes from the listening socket).
    private static Socket Wrap(int fd)
    {
        var handle = new SafeSocketHandle(fd, ownsHandle: true);
        try
        {
            return new Socket(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    // A burst of failed accepts ended with a successful one: say so, once.
    private void EndBurst()
    {
        if (_failures == 0)
        {
            return;
        }
        if (_log is not null)
        {
            ServerLog.AcceptResumed(_log, _failures, (Environment.TickCount64 - _failingSince) / 1000.0);
        }
        _failures = 0;
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
                // What closing resets, said once: connections the kernel completed but nobody accepted (nginx and Go
                // reset them too). Read just before the close, and logged after it (a log line takes long enough for
                // more clients to arrive uncounted), so a count of lost requests can be checked against it.
                var queued = PendingConnections();
                Socket.Shutdown(SocketShutdown.Both);
                if (_log is not null && queued > 0)
                {
                    ServerLog.ListenQueueReset(_log, queued.Value);
                }
            }
        }
        catch (SocketException)
        {
            // Not connected is the normal answer for a listening socket on some kernels; close follows anyway.
        }
        if (_wake is not null)
        {
            var one = 1UL;
            var added = false;
            _wake.DangerousAddRef(ref added);
            _ = Epoll.Signal((int)_wake.DangerousGetHandle(), ref one, sizeof(ulong));
            _wake.DangerousRelease();
            _wake.Dispose(); // closed once the accept waiting on it, if any, lets go
        }
        if (_shared)
        {
            // .NET's Socket.Dispose waits until no call holds the socket, and on a shared socket nothing wakes a
            // poll(2) that does (a process-pool worker's single loop watches the listener while it waits for its
            // client's bytes): the stop would wait for that client's timeout, and the shutdown behind it — which is
            // what closes that idle client and so ends the poll. Our copy is closed once such calls have returned;
            // the others' copies, the master's included, were never ours to close.
            ThreadPool.UnsafeQueueUserWorkItem(static socket => socket.Dispose(), Socket, preferLocal: false);
            return;
        }
        Socket.Dispose();
    }

    /// <summary>Connections completed by the kernel and waiting in this socket's accept queue (what <c>ss -lt</c>
    /// shows as Recv-Q: TCP_INFO's <c>tcpi_unacked</c> on a listening socket, tcp(7)); null where it cannot be read.</summary>
    public int? PendingConnections()
    {
        const int UnackedOffset = 24;
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        Span<byte> info = stackalloc byte[32]; // the kernel copies what fits; tcpi_unacked is the sixth field after 8 bytes of flags
        try
        {
            var length = Socket.GetRawSocketOption(UnixSockets.IPPROTO_TCP, UnixSockets.TCP_INFO, info);
            return length >= UnackedOffset + sizeof(uint) ? (int)MemoryMarshal.Read<uint>(info[UnackedOffset..]) : null;
        }
        catch (SocketException)
        {
            return null;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>Same as <see cref="Stop"/>.</summary>
    public void Dispose() => Stop();
}
