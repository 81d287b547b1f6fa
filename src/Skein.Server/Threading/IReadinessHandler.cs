// The one callback an event loop makes for a registered descriptor. Implemented by the event-loop transport
// (one per connection) and the event-loop model's acceptor (the listening socket).
namespace Skein.Server.Threading;

/// <summary>Receives what an <see cref="EventLoop"/>'s epoll set reports for a descriptor registered with
/// <see cref="EventLoop.Register"/>. Called on the loop thread only.</summary>
public interface IReadinessHandler
{
    /// <summary>The descriptor became ready for <paramref name="events"/>. With edge-triggered
    /// registrations this comes once per change: the handler must read or write until the call would block
    /// (or remember that it did not).</summary>
    void OnReady(Readiness events);
}
