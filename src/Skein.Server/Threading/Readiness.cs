// What an event loop's epoll set reported for one registered descriptor, in the loop's own words (the epoll
// bits stay in Interop/Epoll.cs). It does not say what to do about it: the handler decides.
namespace Skein.Server.Threading;

/// <summary>Events an <see cref="EventLoop"/> hands to an <see cref="IReadinessHandler"/>.</summary>
[Flags]
public enum Readiness
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Bytes to read, a connection to accept, or the end of input (EPOLLIN).</summary>
    Readable = 1,

    /// <summary>Room in the send buffer (EPOLLOUT).</summary>
    Writable = 2,

    /// <summary>The peer closed its sending side: reads will end once the queued bytes are taken (EPOLLRDHUP).</summary>
    PeerClosed = 4,

    /// <summary>The connection is gone both ways, reset or failed (EPOLLHUP, EPOLLERR): the next read or
    /// write says how.</summary>
    Failed = 8,
}
