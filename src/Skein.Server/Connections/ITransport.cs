// The byte pipe between one client socket and the ConnectionLoop: received bytes in a buffer the loop
// parses in place, and response bytes out. Implementations differ only in how they wait (a blocking
// thread, or an event loop's epoll set); they know nothing about HTTP.
using System.Buffers;
using System.Net;

namespace Skein.Server.Connections;

/// <summary>
/// One connection's I/O as the <see cref="ConnectionLoop"/> uses it. Received bytes accumulate in
/// <see cref="Received"/> until consumed; response bytes are written to <see cref="Output"/> and sent by
/// <see cref="FlushAsync"/>. The blocking implementation returns already-completed tasks; the event loop's
/// truly awaits, resuming on the loop thread.
/// Every send (<see cref="FlushAsync"/>, <see cref="SendAsync"/>, <see cref="SendFileAsync"/>) is bounded by
/// the minimum response data rate the transport was made with: a send of n bytes that waits longer than
/// <see cref="MinDataRate.TimeAllowed"/>(n) for the client throws <see cref="TimeoutException"/>, after
/// which the connection is only fit to be dropped (a client that stops reading cannot hold it forever).
/// </summary>
public interface ITransport : IDisposable
{
    /// <summary>The client's address.</summary>
    IPEndPoint? RemoteEndPoint { get; }

    /// <summary>Bytes received and not yet consumed, as one contiguous segment.</summary>
    ReadOnlySequence<byte> Received { get; }

    /// <summary>True when <see cref="Received"/> fills the largest input buffer allowed: receiving more is
    /// impossible until something is consumed.</summary>
    bool IsInputFull { get; }

    /// <summary>Drops the first <paramref name="count"/> bytes of <see cref="Received"/>. Bytes consumed stay
    /// valid (and in place) until the next <see cref="ReceiveAsync"/>.</summary>
    void Consume(long count);

    /// <summary>Waits for more bytes and appends them to <see cref="Received"/>. Returns false at the end of
    /// input (the client closed its side). Throws <see cref="TimeoutException"/> when nothing arrived within
    /// <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/> waits forever), and
    /// <see cref="System.Net.Sockets.SocketException"/> or <see cref="ObjectDisposedException"/> when the
    /// connection was reset or aborted.</summary>
    ValueTask<bool> ReceiveAsync(TimeSpan timeout);

    /// <summary>Where response bytes are written; nothing is sent until a flush.</summary>
    IBufferWriter<byte> Output { get; }

    /// <summary>Bytes written to <see cref="Output"/> and not yet sent.</summary>
    int PendingOutput { get; }

    /// <summary>Sends everything written to <see cref="Output"/>.</summary>
    ValueTask FlushAsync();

    /// <summary>Sends the pending output, then <paramref name="data"/> without copying it into the output buffer.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> data);

    /// <summary>Sends the pending output followed by <paramref name="length"/> bytes of the file at
    /// <paramref name="path"/> from <paramref name="offset"/>, with sendfile(2): the file's bytes do not
    /// pass through this process (except a piece at a time while a non-blocking socket's buffer is full).</summary>
    ValueTask SendFileAsync(string path, long offset, long length);

    /// <summary>Returns the input buffer to the pool when <see cref="Received"/> is empty and no receive is in
    /// progress (a handler reading its body waits in one), so a connection
    /// whose handler waits (a long poll) holds no receive buffer meanwhile; the next
    /// <see cref="ReceiveAsync"/> takes one again. Consumed bytes are invalid after this call.</summary>
    void ReleaseIdleBuffers();

    /// <summary>Says that the connection closes right after what is sent next (its last response): the
    /// transport may then hold back the last partial segment until the close, so that the response's end and
    /// the FIN leave in one packet (send(2)'s MSG_MORE), one packet and its acknowledgement fewer on both sides.
    /// The caller must close (or shut down the sending side) once the response is sent.</summary>
    void CloseAfterOutput();

    /// <summary>
    /// Starts noticing the client hanging up (its FIN or a reset) while a handler waits, and then calls
    /// <see cref="Lifecycle.Connection.Abandon"/> on <paramref name="connection"/>, without reading anything.
    /// Returns false when this transport cannot notice that by itself: the caller then asks the process's
    /// <see cref="Lifecycle.DisconnectWatcher"/> (a thread and an epoll set of its own). The event loop's
    /// transport can: its socket is in the loop's epoll set for EPOLLRDHUP already.
    /// </summary>
    bool WatchHangUp(Lifecycle.Connection connection);

    /// <summary>Stops what <see cref="WatchHangUp"/> started (after it returned true).</summary>
    void UnwatchHangUp();

    /// <summary>Ends the connection politely: pending output is dropped, our sending side is shut down, and
    /// when <paramref name="linger"/> is set, what the client still sends is read and discarded for a short
    /// while (nginx's lingering close), so the kernel does not answer it with a reset that could destroy
    /// the response before the client reads it.</summary>
    ValueTask CloseAsync(bool linger);
}
