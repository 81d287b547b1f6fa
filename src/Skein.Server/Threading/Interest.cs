// How a descriptor is registered with an event loop's epoll set: which events, and how they are reported.
// The epoll bits themselves stay in Interop/Epoll.cs.
namespace Skein.Server.Threading;

/// <summary>What <see cref="EventLoop.Register"/> asks epoll to report for a descriptor.</summary>
[Flags]
public enum Interest
{
    /// <summary>Nothing but errors: a registration paused (a listening socket while out of descriptors).</summary>
    None = 0,

    /// <summary>Readable (and end of input).</summary>
    Read = 1,

    /// <summary>Writable.</summary>
    Write = 2,

    /// <summary>The peer closed its sending side (EPOLLRDHUP).</summary>
    PeerClosed = 4,

    /// <summary>Report changes once (EPOLLET), not the state on every wait: a connection's socket, registered
    /// once for its whole life for reading and writing (nginx's <c>ngx_epoll_add_connection</c>).</summary>
    EdgeTriggered = 8,

    /// <summary>When several epoll sets wait on the descriptor, wake only one (EPOLLEXCLUSIVE): a listening
    /// socket shared by loops or processes, without the thundering herd.</summary>
    Exclusive = 16,
}
