// UnixFdChannel: one end of a Unix-domain SOCK_SEQPACKET socket pair that carries small messages and,
// with SCM_RIGHTS (unix(7)), open file descriptors between processes. It is the interop for the few
// syscalls that .NET does not expose (socketpair, sendmsg, recvmsg, fcntl) and nothing else, like
// nginx's ngx_channel.c. It does not know what the messages mean: that is WorkerChannel's job.
// Linux only: the msghdr/cmsghdr layouts below are those of the 64-bit Linux ABI.

using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Skein.Server.Processes;

/// <summary>
/// One end of a message channel between the master and a worker process, able to pass file descriptors
/// (sockets) along with a message. SOCK_SEQPACKET keeps message boundaries and, being connection-oriented,
/// reads end-of-file when every copy of the other end is closed — which is how a worker learns that its
/// master died, even by SIGKILL. Sends and receives block; one thread should receive at a time.
/// </summary>
public sealed partial class UnixFdChannel : IDisposable
{
    /// <summary>The largest message this channel sends or receives, in bytes.</summary>
    public const int MaxMessageBytes = 4096;

    private const int AF_UNIX = 1;
    private const int SOCK_SEQPACKET = 5;
    private const int SOCK_CLOEXEC = 0x80000;
    private const int SOL_SOCKET = 1;
    private const int SCM_RIGHTS = 1;
    private const int MSG_NOSIGNAL = 0x4000;
    private const int MSG_PEEK = 0x2;
    private const int MSG_DONTWAIT = 0x40;
    private const int EAGAIN = 11;
    private const int MSG_CTRUNC = 0x8;
    private const int MSG_TRUNC = 0x20;
    private const int MSG_CMSG_CLOEXEC = 0x40000000;
    private const int F_GETFD = 1;
    private const int F_SETFD = 2;
    private const int FD_CLOEXEC = 1;
    private const int SHUT_RDWR = 2;
    private const int EINTR = 4;

    // sizeof(struct cmsghdr) is 16 on 64-bit Linux (size_t len; int level; int type).
    private const int CmsgHeaderBytes = 16;
    // CMSG_SPACE(sizeof(int)): header plus the fd, rounded up to the 8-byte alignment of size_t.
    private const int CmsgSpaceOneFd = 24;
    // CMSG_LEN(sizeof(int)).
    private const int CmsgLenOneFd = CmsgHeaderBytes + sizeof(int);

    private readonly ChannelHandle _handle;

    private UnixFdChannel(ChannelHandle handle) => _handle = handle;

    /// <summary>The file descriptor number of this end.</summary>
    public int Fd => (int)_handle.DangerousGetHandle();

    /// <summary>Creates a connected pair. Both ends are close-on-exec; call <see cref="AllowInheritance"/>
    /// on the end a child process should keep across exec.</summary>
    public static (UnixFdChannel First, UnixFdChannel Second) CreatePair()
    {
        RequireLinux();
        Span<int> fds = stackalloc int[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ref MemoryMarshal.GetReference(fds)) != 0)
        {
            throw LastError();
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
        channel.SetCloseOnExec(true);
        return channel;
    }

    /// <summary>Clears close-on-exec on this end so the next child process started inherits it.</summary>
    public void AllowInheritance() => SetCloseOnExec(false);

    /// <summary>Sends one message of at most <see cref="MaxMessageBytes"/>, passing a duplicate of
    /// <paramref name="fd"/> along when it is given. The sender keeps its own copy of the descriptor.</summary>
    /// <exception cref="IOException">The other end is closed (EPIPE) or the send failed.</exception>
    public unsafe void Send(ReadOnlySpan<byte> message, SafeHandle? fd = null)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(message.Length, MaxMessageBytes);
        ArgumentOutOfRangeException.ThrowIfZero(message.Length);
        bool addedFd = false;
        bool addedSelf = false;
        try
        {
            fd?.DangerousAddRef(ref addedFd);
            _handle.DangerousAddRef(ref addedSelf);
            byte* control = stackalloc byte[CmsgSpaceOneFd];
            new Span<byte>(control, CmsgSpaceOneFd).Clear();
            fixed (byte* data = message)
            {
                var iov = new IoVec { Base = data, Length = (nuint)message.Length };
                var header = new MsgHdr { Iov = &iov, IovLen = 1 };
                if (fd is not null)
                {
                    var cmsg = (CmsgHdr*)control;
                    cmsg->Len = CmsgLenOneFd;
                    cmsg->Level = SOL_SOCKET;
                    cmsg->Type = SCM_RIGHTS;
                    *(int*)(control + CmsgHeaderBytes) = (int)fd.DangerousGetHandle();
                    header.Control = control;
                    header.ControlLen = CmsgSpaceOneFd;
                }
                nint sent;
                while ((sent = sendmsg(Fd, &header, MSG_NOSIGNAL)) < 0 && Marshal.GetLastPInvokeError() == EINTR)
                {
                }
                if (sent < 0)
                {
                    throw LastError();
                }
            }
        }
        finally
        {
            if (addedSelf)
            {
                _handle.DangerousRelease();
            }
            if (addedFd)
            {
                fd!.DangerousRelease();
            }
        }
    }

    /// <summary>Blocks until a message arrives; copies it into <paramref name="buffer"/> and returns its
    /// length, or 0 when the other end is closed (end-of-file). A descriptor that came with the message is
    /// returned in <paramref name="fd"/>, owned by the caller (close-on-exec); otherwise null.</summary>
    /// <exception cref="IOException">The receive failed.</exception>
    /// <exception cref="InvalidDataException">The message or its descriptors did not fit.</exception>
    public unsafe int Receive(Span<byte> buffer, out SafeSocketHandle? fd)
    {
        fd = null;
        bool addedSelf = false;
        try
        {
            _handle.DangerousAddRef(ref addedSelf);
            byte* control = stackalloc byte[CmsgSpaceOneFd];
            new Span<byte>(control, CmsgSpaceOneFd).Clear();
            fixed (byte* data = buffer)
            {
                var iov = new IoVec { Base = data, Length = (nuint)buffer.Length };
                var header = new MsgHdr { Iov = &iov, IovLen = 1, Control = control, ControlLen = CmsgSpaceOneFd };
                nint received;
                while ((received = recvmsg(Fd, &header, MSG_CMSG_CLOEXEC)) < 0 && Marshal.GetLastPInvokeError() == EINTR)
                {
                }
                if (received < 0)
                {
                    throw LastError();
                }
                var cmsg = (CmsgHdr*)control;
                if (header.ControlLen >= CmsgLenOneFd && cmsg->Level == SOL_SOCKET && cmsg->Type == SCM_RIGHTS)
                {
                    // Take ownership first, so the descriptor is closed even if the message is then refused.
                    fd = new SafeSocketHandle(*(int*)(control + CmsgHeaderBytes), ownsHandle: true);
                }
                if ((header.Flags & (MSG_CTRUNC | MSG_TRUNC)) != 0)
                {
                    fd?.Dispose();
                    fd = null;
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

    /// <summary>True when a message (or end-of-file) is waiting to be received: <see cref="Receive"/> would
    /// not block. Does not consume it.</summary>
    public unsafe bool HasPending()
    {
        bool addedSelf = false;
        try
        {
            _handle.DangerousAddRef(ref addedSelf);
            byte probe;
            return recv(Fd, &probe, 1, MSG_PEEK | MSG_DONTWAIT) >= 0 || Marshal.GetLastPInvokeError() is not (EAGAIN or EINTR);
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
            _ = shutdown(Fd, SHUT_RDWR); // ENOTCONN when the peer is already gone: nothing left to shut.
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

    // errno as an IOException whose HResult is the errno, so callers can tell EPIPE (32) from the rest.
    private static IOException LastError([CallerMemberName] string call = "")
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    private void SetCloseOnExec(bool closeOnExec)
    {
        int flags = fcntl(Fd, F_GETFD, 0);
        if (flags < 0 || fcntl(Fd, F_SETFD, closeOnExec ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC) < 0)
        {
            throw LastError();
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    // struct msghdr on 64-bit Linux: name, namelen (padded), iov, iovlen, control, controllen, flags.
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct MsgHdr
    {
        public void* Name;
        public uint NameLen;
        public IoVec* Iov;
        public nuint IovLen;
        public void* Control;
        public nuint ControlLen;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CmsgHdr
    {
        public nuint Len;
        public int Level;
        public int Type;
    }

    private sealed class ChannelHandle : SafeHandleMinusOneIsInvalid
    {
        public ChannelHandle(int fd) : base(ownsHandle: true) => SetHandle(fd);

        protected override bool ReleaseHandle() => close((int)handle) == 0;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socketpair(int domain, int type, int protocol, ref int fds);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint sendmsg(int sockfd, MsgHdr* msg, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint recvmsg(int sockfd, MsgHdr* msg, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint recv(int sockfd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int shutdown(int sockfd, int how);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
