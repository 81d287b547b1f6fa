// The socket calls .NET does not expose or that the event loops make themselves: socketpair(2), sendmsg(2)
// and recvmsg(2) with SCM_RIGHTS ancillary data for the process models' channels (unix(7), cmsg(3)); recv(2),
// send(2), accept4(2) and shutdown(2) on non-blocking sockets for the event loops; poll(2) to tell a connection
// its client reset from one still wanted (the process model's master) and for a shared listener's waiting
// accept; the struct layouts they
// take (64-bit Linux ABI). From <sys/socket.h>, <netinet/in.h> and <sys/uio.h>. Interop only: UnixFdChannel
// builds the messages, the event-loop transport and Listener decide when to call.
using System.Net;
using System.Runtime.InteropServices;

namespace Skein.Server.Interop;

/// <summary>socketpair, sendmsg, recvmsg, recv, send, accept4, shutdown, poll and their structs.</summary>
internal static unsafe partial class UnixSockets
{
    public const int AF_UNIX = 1;
    public const int AF_INET = 2;
    public const int AF_INET6 = 10;
    public const int SOCK_NONBLOCK = 0x800;
    public const int SOCK_SEQPACKET = 5;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int SOL_SOCKET = 1;
    public const int SCM_RIGHTS = 1;
    public const int MSG_PEEK = 0x2;
    public const int MSG_CTRUNC = 0x8;
    public const int MSG_TRUNC = 0x20;
    public const int MSG_DONTWAIT = 0x40;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int MSG_MORE = 0x8000;
    public const int MSG_CMSG_CLOEXEC = 0x40000000;
    public const int IPPROTO_TCP = 6;
    public const int TCP_CORK = 3;
    public const int TCP_DEFER_ACCEPT = 9;
    public const int TCP_INFO = 11;
    public const int TCP_NOTSENT_LOWAT = 25;
    public const int SHUT_RD = 0;
    public const int SHUT_WR = 1;
    public const int SHUT_RDWR = 2;
    public const short POLLIN = 0x1;
    public const short POLLERR = 0x8;
    public const short POLLHUP = 0x10;

    /// <summary>sizeof(struct sockaddr_in6), the larger of the two addresses accept4 may return.</summary>
    public const int SockAddrBytes = 28;

    /// <summary>sizeof(struct cmsghdr): size_t len; int level; int type.</summary>
    public const int CmsgHeaderBytes = 16;

    /// <summary>CMSG_SPACE(descriptors * sizeof(int)): the header plus that many descriptors, rounded up to
    /// size_t's alignment (24 bytes for one).</summary>
    public static int CmsgSpace(int descriptors) => CmsgHeaderBytes + (((descriptors * sizeof(int)) + 7) & ~7);

    /// <summary>CMSG_LEN(sizeof(int)).</summary>
    public const int CmsgLenOneFd = CmsgHeaderBytes + sizeof(int);

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr: name, namelen (padded), iov, iovlen, control, controllen, flags.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLen;
        public IoVec* Iov;
        public nuint IovLen;
        public void* Control;
        public nuint ControlLen;
        public int Flags;
    }

    /// <summary>struct cmsghdr (its data follows at <see cref="CmsgHeaderBytes"/>).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct CmsgHdr
    {
        public nuint Len;
        public int Level;
        public int Type;
    }

    /// <summary><c>int socketpair(int domain, int type, int protocol, int sv[2])</c>.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "socketpair", SetLastError = true)]
    public static partial int SocketPair(int domain, int type, int protocol, int* fds);

    /// <summary><c>ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags)</c>.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint SendMsg(int sockfd, MsgHdr* msg, int flags);

    /// <summary><c>ssize_t recvmsg(int sockfd, struct msghdr *msg, int flags)</c>.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "recvmsg", SetLastError = true)]
    public static partial nint RecvMsg(int sockfd, MsgHdr* msg, int flags);

    /// <summary><c>ssize_t recv(int sockfd, void *buf, size_t len, int flags)</c>.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int sockfd, byte* buffer, nuint length, int flags);

    /// <summary><c>ssize_t send(int sockfd, const void *buf, size_t len, int flags)</c>.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int sockfd, byte* buffer, nuint length, int flags);

    /// <summary><c>int setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen)</c>.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(SafeHandle sockfd, int level, int name, int* value, uint length);

    /// <summary><c>int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags)</c>.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "accept4", SetLastError = true)]
    public static partial int Accept4(int sockfd, byte* address, uint* addressLength, int flags);

    /// <summary><c>int getpeername(int sockfd, struct sockaddr *addr, socklen_t *addrlen)</c>.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "getpeername", SetLastError = true)]
    public static partial int GetPeerName(int sockfd, byte* address, uint* addressLength);

    /// <summary><c>int shutdown(int sockfd, int how)</c>.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "shutdown", SetLastError = true)]
    public static partial int Shutdown(int sockfd, int how);

    /// <summary><c>int shutdown(int sockfd, int how)</c> on a descriptor another thread may close meanwhile:
    /// the handle is referenced for the call, so its number cannot be reused under it.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "shutdown", SetLastError = true)]
    public static partial int Shutdown(SafeHandle sockfd, int how);

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary><c>int poll(struct pollfd *fds, nfds_t nfds, int timeout)</c>.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeout);

    /// <summary>True when the connection on <paramref name="socket"/> is over for good: its client reset it
    /// (POLLERR) or both directions are shut (POLLHUP), as poll(2) reports without waiting. A client that only
    /// half-closed after sending its request (POLLRDHUP) is not over: it still reads its answer. Unlike reading
    /// SO_ERROR, this leaves the socket's pending error in place, so asking twice gives the same answer.</summary>
    public static bool IsOver(SafeHandle socket)
    {
        var added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            // POLLERR and POLLHUP are reported whatever is asked for; events 0 asks for nothing else.
            var probe = new PollFd { Fd = (int)socket.DangerousGetHandle() };
            return Poll(&probe, 1, 0) > 0 && (probe.Revents & (POLLERR | POLLHUP)) != 0;
        }
        catch (ObjectDisposedException)
        {
            return true; // closed meanwhile: nobody serves it
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    /// <summary>The address in a struct sockaddr_in or sockaddr_in6 (family in host order, port in network
    /// order, then the address) as accept4 or getpeername fill it; null for another family.</summary>
    public static IPEndPoint? ToEndPoint(ReadOnlySpan<byte> address)
    {
        if (address.Length < 8)
        {
            return null;
        }
        var family = address[0] | (address[1] << 8);
        var port = (address[2] << 8) | address[3];
        if (family == AF_INET)
        {
            return new IPEndPoint(new IPAddress(address.Slice(4, 4)), port);
        }
        if (family == AF_INET6 && address.Length >= SockAddrBytes)
        {
            var scope = (uint)(address[24] | (address[25] << 8) | (address[26] << 16) | (address[27] << 24));
            return new IPEndPoint(new IPAddress(address.Slice(8, 16), scope), port);
        }
        return null;
    }
}
