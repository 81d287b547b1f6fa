// epoll(7) and eventfd(2): the event loops' readiness sets (edge-triggered sockets, a level-triggered
// listening socket, an eventfd that wakes the loop thread) and the DisconnectWatcher's set that reports a
// peer's hang-up (EPOLLRDHUP) without reading a byte. Numbers from <sys/epoll.h> and <sys/eventfd.h>;
// struct epoll_event has the x86-64 layout (packed: 12 bytes). Nothing else.
using System.Runtime.InteropServices;

namespace Skein.Server.Interop;

/// <summary>epoll_create1, epoll_ctl, epoll_wait, eventfd and the write(2) that signals one.</summary>
internal static partial class Epoll
{
    /// <summary>Close the descriptor on exec (worker processes must not inherit it).</summary>
    public const int EPOLL_CLOEXEC = 0x80000;

    /// <summary>epoll_ctl: add a descriptor.</summary>
    public const int EPOLL_CTL_ADD = 1;

    /// <summary>epoll_ctl: remove a descriptor.</summary>
    public const int EPOLL_CTL_DEL = 2;

    /// <summary>epoll_ctl: change the events of a registered descriptor.</summary>
    public const int EPOLL_CTL_MOD = 3;

    /// <summary>Readable.</summary>
    public const uint EPOLLIN = 0x001;

    /// <summary>Writable.</summary>
    public const uint EPOLLOUT = 0x004;

    /// <summary>An error on the descriptor (always reported).</summary>
    public const uint EPOLLERR = 0x008;

    /// <summary>Both directions closed, or a reset (always reported).</summary>
    public const uint EPOLLHUP = 0x010;

    /// <summary>The peer closed its sending side: reported even while unread data is queued.</summary>
    public const uint EPOLLRDHUP = 0x2000;

    /// <summary>Wake only one of the epoll sets waiting on this descriptor (Linux 4.5; for a listening
    /// socket several loops share: no thundering herd).</summary>
    public const uint EPOLLEXCLUSIVE = 1u << 28;

    /// <summary>Report once, then disarm until re-armed or removed.</summary>
    public const uint EPOLLONESHOT = 1u << 30;

    /// <summary>Edge-triggered: report a change of readiness once, not the state on every wait.</summary>
    public const uint EPOLLET = 1u << 31;

    /// <summary>eventfd: close on exec.</summary>
    public const int EFD_CLOEXEC = 0x80000;

    /// <summary>eventfd: non-blocking.</summary>
    public const int EFD_NONBLOCK = 0x800;

    /// <summary><c>struct epoll_event</c>: which events, and the caller's 64-bit cookie.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    public struct Event
    {
        /// <summary>Event mask.</summary>
        public uint Events;

        /// <summary>epoll_data_t, used as a u64.</summary>
        public ulong Data;
    }

    /// <summary><c>int epoll_create1(int flags)</c>.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int Create(int flags);

    /// <summary><c>int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)</c>.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int Control(int epfd, int op, int fd, ref Event e);

    /// <summary><c>int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)</c>.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "epoll_wait", SetLastError = true)]
    public static unsafe partial int Wait(int epfd, Event* events, int maxEvents, int timeout);

    /// <summary><c>int eventfd(unsigned int initval, int flags)</c>.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    /// <summary><c>ssize_t write(int fd, const void *buf, size_t count)</c> of one u64: signals an eventfd.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "write", SetLastError = true)]
    public static partial nint Signal(int fd, ref ulong value, nuint count);
}
