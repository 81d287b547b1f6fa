// UnixFdChannel: one end of a Unix-domain SOCK_SEQPACKET socket pair that carries small messages and,
// with SCM_RIGHTS (unix(7)), open file descriptors between processes, like nginx's ngx_channel.c. It
// builds and reads the msghdr/cmsghdr of one message; the syscalls themselves are in Interop/UnixSockets.
// It does not know what the messages mean: that is WorkerChannel's job.

using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Skein.Server.Interop;
using static Skein.Server.Interop.UnixSockets;

namespace Skein.Server.Processes;

/// <summary>
/// One end of a message channel between the master and a worker process, able to pass file descriptors
/// (sockets) along with a message. SOCK_SEQPACKET keeps message boundaries and, being connection-oriented,
/// reads end-of-file when every copy of the other end is closed — which is how a worker learns that its
/// master died, even by SIGKILL. Sends and receives block; one thread should receive at a time.
/// </summary>
public sealed class UnixFdChannel : IDisposable
{
    /// <summary>The largest message this channel sends or receives, in bytes: 64 KiB, room for the worker
    /// settings with long paths, far below the socket's send buffer (net.core.wmem_default, ~208 KiB).</summary>
    public const int MaxMessageBytes = 64 * 1024;

    private readonly ChannelHandle _handle;

    private UnixFdChannel(ChannelHandle handle) => _handle = handle;

    /// <summary>The file descriptor number of this end.</summary>
    public int Fd => (int)_handle.DangerousGetHandle();

    /// <summary>Creates a connected pair. Both ends are close-on-exec; call <see cref="AllowInheritance"/>
    /// on the end a child process should keep across exec.</summary>
    public static unsafe (UnixFdChannel First, UnixFdChannel Second) CreatePair()
    {
        RequireLinux();
        int* fds = stackalloc int[2];
        if (SocketPair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0)
        {
            throw Errno.LastError("socketpair");
        }
        return (new UnixFdChannel(new ChannelHandle(fds[0])), new UnixFdChannel(new ChannelHandle(fds[1])));
    }

    /// <summary>Adopts descriptor <paramref name="fd"/> inherited from the parent process; this object
    /// closes it. The descriptor is made close-on-exec so it is not passed on to grandchildren.</summary>
    public static UnixFdChannel FromInherited(int fd)
    {
        RequireLinux();
        ArgumentOutOfRangeException.ThrowIfNegative(fd);
        var channel = new UnixFdChannel(new ChannelHandle(fd));
        Fcntl.SetCloseOnExec(fd, true);
        return channel;
    }

    /// <summary>Clears close-on-exec on this end so the next child process started inherits it.</summary>
    public void AllowInheritance() => Fcntl.SetCloseOnExec(Fd, false);

    /// <summary>The most descriptors one message carries (<see cref="Send(ReadOnlySpan{byte}, ReadOnlySpan{SafeHandle})"/>,
    /// <see cref="ReceiveNow"/>): a hybrid master's batch of accepted
    /// sockets. The kernel takes up to 253 (SCM_MAX_FD).</summary>
    public const int MaxDescriptors = 16;

    /// <summary>Sends one message of at most <see cref="MaxMessageBytes"/>, passing a duplicate of
    /// <paramref name="fd"/> along when it is given. The sender keeps its own copy of the descriptor.</summary>
    /// <exception cref="IOException">The other end is closed (EPIPE) or the send failed.</exception>
    public void Send(ReadOnlySpan<byte> message, SafeHandle? fd = null)
        => Send(message, fd is null ? [] : new ReadOnlySpan<SafeHandle>(in fd));

    /// <summary>Sends one message of at most <see cref="MaxMessageBytes"/> with duplicates of up to
    /// <see cref="MaxDescriptors"/> descriptors, in order, in one sendmsg(2) (one SCM_RIGHTS message). The sender
    /// keeps its own copies.</summary>
    /// <exception cref="IOException">The other end is closed (EPIPE) or the send failed.</exception>
    public unsafe void Send(ReadOnlySpan<byte> message, ReadOnlySpan<SafeHandle> fds)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(message.Length, MaxMessageBytes);
        ArgumentOutOfRangeException.ThrowIfZero(message.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fds.Length, MaxDescriptors);
        var added = 0;
        bool addedSelf = false;
        try
        {
            byte* control = stackalloc byte[CmsgSpace(MaxDescriptors)];
            new Span<byte>(control, CmsgSpace(fds.Length)).Clear();
            for (; added < fds.Length; added++)
            {
                var ignored = false;
                fds[added].DangerousAddRef(ref ignored); // throws for a closed one: nothing is sent
                ((int*)(control + CmsgHeaderBytes))[added] = (int)fds[added].DangerousGetHandle();
            }
            _handle.DangerousAddRef(ref addedSelf);
            fixed (byte* data = message)
            {
                var iov = new IoVec { Base = data, Length = (nuint)message.Length };
                var header = new MsgHdr { Iov = &iov, IovLen = 1 };
                if (fds.Length > 0)
                {
                    var cmsg = (CmsgHdr*)control;
                    cmsg->Len = (nuint)(CmsgHeaderBytes + (fds.Length * sizeof(int)));
                    cmsg->Level = SOL_SOCKET;
                    cmsg->Type = SCM_RIGHTS;
                    header.Control = control;
                    header.ControlLen = (nuint)CmsgSpace(fds.Length);
                }
                nint sent;
                while ((sent = SendMsg(Fd, &header, MSG_NOSIGNAL)) < 0 && Errno.Last == Errno.EINTR)
                {
                }
                if (sent < 0)
                {
                    throw Errno.LastError("sendmsg");
                }
            }
        }
        finally
        {
            if (addedSelf)
            {
                _handle.DangerousRelease();
            }
            for (var i = 0; i < added; i++)
            {
                fds[i].DangerousRelease();
            }
        }
    }

    /// <summary>Blocks until a message arrives; copies it into <paramref name="buffer"/> and returns its
    /// length, or 0 when the other end is closed (end-of-file). A descriptor that came with the message is
    /// returned in <paramref name="fd"/>, owned by the caller (close-on-exec); otherwise null. It is a plain
    /// descriptor: a socket becomes one with <see cref="ToSocket"/>.</summary>
    /// <exception cref="IOException">The receive failed.</exception>
    /// <exception cref="InvalidDataException">The message or its descriptors did not fit.</exception>
    public int Receive(Span<byte> buffer, out SafeFileHandle? fd) => ReceiveWith(buffer, 0, out fd);

    /// <summary>As <see cref="Receive"/>, without waiting (-1 when no message is waiting: for an event loop that
    /// watches <see cref="Handle"/>), for a message with up to <paramref name="fds"/>' length of descriptors (at
    /// most <see cref="MaxDescriptors"/>): they are returned in order in its first <paramref name="count"/>
    /// elements, owned by the caller (close-on-exec).</summary>
    /// <exception cref="IOException">The receive failed.</exception>
    /// <exception cref="InvalidDataException">The message or its descriptors did not fit.</exception>
    public int ReceiveNow(Span<byte> buffer, Span<SafeFileHandle?> fds, out int count) => ReceiveWith(buffer, MSG_DONTWAIT, fds, out count);

    /// <summary>The descriptor of this end, for an epoll set; this object still owns it.</summary>
    public SafeHandle Handle => _handle;

    private int ReceiveWith(Span<byte> buffer, int flags, out SafeFileHandle? fd)
    {
        fd = null;
        return ReceiveWith(buffer, flags, new Span<SafeFileHandle?>(ref fd), out _);
    }

    private unsafe int ReceiveWith(Span<byte> buffer, int flags, Span<SafeFileHandle?> fds, out int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fds.Length, MaxDescriptors);
        count = 0;
        bool addedSelf = false;
        try
        {
            _handle.DangerousAddRef(ref addedSelf);
            var space = CmsgSpace(fds.Length);
            byte* control = stackalloc byte[CmsgSpace(MaxDescriptors)];
            new Span<byte>(control, space).Clear();
            fixed (byte* data = buffer)
            {
                var iov = new IoVec { Base = data, Length = (nuint)buffer.Length };
                var header = new MsgHdr { Iov = &iov, IovLen = 1, Control = control, ControlLen = (nuint)space };
                nint received;
                while ((received = RecvMsg(Fd, &header, MSG_CMSG_CLOEXEC | flags)) < 0 && Errno.Last == Errno.EINTR)
                {
                }
                if (received < 0)
                {
                    return Errno.Last == Errno.EAGAIN && (flags & MSG_DONTWAIT) != 0 ? -1 : throw Errno.LastError("recvmsg");
                }
                var cmsg = (CmsgHdr*)control;
                if (header.ControlLen >= CmsgLenOneFd && cmsg->Level == SOL_SOCKET && cmsg->Type == SCM_RIGHTS)
                {
                    // Take ownership first, so the descriptors are closed even if the message is then refused.
                    count = Math.Min((int)(cmsg->Len - CmsgHeaderBytes) / sizeof(int), fds.Length);
                    for (var i = 0; i < count; i++)
                    {
                        fds[i] = new SafeFileHandle(((int*)(control + CmsgHeaderBytes))[i], ownsHandle: true);
                    }
                }
                if ((header.Flags & (MSG_CTRUNC | MSG_TRUNC)) != 0)
                {
                    for (var i = 0; i < count; i++)
                    {
                        fds[i]!.Dispose();
                        fds[i] = null;
                    }
                    count = 0;
                    throw new InvalidDataException("A channel message or its descriptors were truncated.");
                }
                return (int)received;
            }
        }
        finally
        {
            if (addedSelf)
            {
                _handle.DangerousRelease();
            }
        }
    }

    /// <summary>Takes a received descriptor that is a socket over into a <see cref="SafeSocketHandle"/>, which
    /// then owns it (<paramref name="fd"/> no longer does).</summary>
    /// <remarks>Received descriptors are not made socket handles as they arrive: the first socket handle a
    /// process makes starts .NET's socket engine (an epoll thread), and the first descriptor a worker receives
    /// is its shared memory, not a socket. A spare or standby worker then starts that thread only with its
    /// first socket.</remarks>
    public static SafeSocketHandle ToSocket(SafeFileHandle fd)
    {
        ArgumentNullException.ThrowIfNull(fd);
        var socket = new SafeSocketHandle(fd.DangerousGetHandle(), ownsHandle: true);
        fd.SetHandleAsInvalid();
        return socket;
    }

    /// <summary>Blocks until a message arrives and returns its length without consuming it (or its
    /// descriptor), or 0 when the other end is closed: the size of the buffer the next <see cref="Receive"/> needs.</summary>
    /// <exception cref="IOException">The receive failed.</exception>
    public unsafe int PeekLength()
    {
        bool addedSelf = false;
        try
        {
            _handle.DangerousAddRef(ref addedSelf);
            byte probe;
            nint length;
            // SOCK_SEQPACKET with MSG_TRUNC returns the whole message's length, however little is copied.
            while ((length = Recv(Fd, &probe, 1, MSG_PEEK | MSG_TRUNC)) < 0 && Errno.Last == Errno.EINTR)
            {
            }
            return length >= 0 ? (int)length : throw Errno.LastError("recv");
        }
        finally
        {
            if (addedSelf)
            {
                _handle.DangerousRelease();
            }
        }
    }

    /// <summary>True when a message (or end-of-file) is waiting to be received: <see cref="Receive"/> would
    /// not block. Does not consume it.</summary>
    public unsafe bool HasPending()
    {
        bool addedSelf = false;
        try
        {
            _handle.DangerousAddRef(ref addedSelf);
            byte probe;
            return Recv(Fd, &probe, 1, MSG_PEEK | MSG_DONTWAIT) >= 0 || Errno.Last is not (Errno.EAGAIN or Errno.EINTR);
        }
        finally
        {
            if (addedSelf)
            {
                _handle.DangerousRelease();
            }
        }
    }

    /// <summary>Shuts both directions down: a thread blocked in <see cref="Receive"/> on this end returns 0,
    /// and the other end reads end-of-file. Safe to call more than once.</summary>
    public void Shutdown()
    {
        if (!_handle.IsClosed)
        {
            _ = UnixSockets.Shutdown(Fd, SHUT_RDWR); // ENOTCONN when the peer is already gone: nothing left to shut.
        }
    }

    /// <summary>Closes this end.</summary>
    public void Dispose() => _handle.Dispose();

    private static void RequireLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The process models pass sockets with SCM_RIGHTS as laid out on Linux.");
        }
    }

    private sealed class ChannelHandle : SafeHandleMinusOneIsInvalid
    {
        public ChannelHandle(int fd) : base(ownsHandle: true) => SetHandle(fd);

        protected override bool ReleaseHandle() => Libc.Close((int)handle) == 0;
    }
}
