// The blocking transport of a server with one serving thread (single, each process-pool worker), with one
// difference: while it waits for its client's bytes it also watches the listening socket, poll(2) on both, still
// one thread, and lets the WaitingLine take the newcomers. It also ends a wait early when the line's rule says
// the client must give way to those waiting. Sends, files and buffers are the blocking transport's, untouched.
using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Skein.Server.Lifecycle;

namespace Skein.Server.Connections;

/// <summary>A <see cref="BlockingSocketTransport"/> whose receives watch the listener too (<see cref="WaitingLine"/>).</summary>
public sealed class LineWatchingTransport(BlockingSocketTransport inner, Socket client, WaitingLine line) : ITransport
{
    private readonly List<Socket> _ready = new(2);

    /// <inheritdoc/>
    public IPEndPoint? RemoteEndPoint => inner.RemoteEndPoint;

    /// <inheritdoc/>
    public ReadOnlySequence<byte> Received => inner.Received;

    /// <inheritdoc/>
    public bool IsInputFull => inner.IsInputFull;

    /// <inheritdoc/>
    public IBufferWriter<byte> Output => inner.Output;

    /// <inheritdoc/>
    public int PendingOutput => inner.PendingOutput;

    /// <inheritdoc/>
    public void Consume(long count) => inner.Consume(count);

    /// <summary>Waits for the client's bytes as <see cref="ITransport.ReceiveAsync"/> does, taking newcomers into
    /// the line meanwhile; <see cref="TimeoutException"/> also when the line's rule says the client must give way.</summary>
    public ValueTask<bool> ReceiveAsync(TimeSpan timeout)
    {
        var end = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)Math.Ceiling(timeout.TotalMilliseconds);
        while (true)
        {
            var now = Environment.TickCount64;
            var deadline = Math.Min(end, line.GiveWayAt);
            if (now >= deadline)
            {
                // What already came is read before the client is held to the deadline: a request that waited in the
                // line longer than the rule's grace arrived whole long ago, and is served.
                return client.Poll(0, SelectMode.SelectRead)
                    ? inner.ReceiveAsync(TimeSpan.FromMilliseconds(1))
                    : ValueTask.FromException<bool>(new TimeoutException());
            }
            var listener = line.Listener;
            var watchListener = line.ShouldWatchListener(out var patienceMs);
            var waitMs = Math.Min(deadline - now, watchListener || listener is null ? long.MaxValue : patienceMs);
            _ready.Clear();
            _ready.Add(client);
            if (listener is not null && watchListener)
            {
                _ready.Add(listener);
            }
            try
            {
                // poll(2) on both: microseconds, -1 for ever.
                Socket.Select(_ready, null, null, waitMs >= int.MaxValue / 1000 ? -1 : (int)(waitMs * 1000));
            }
            catch (ObjectDisposedException) when (listener is not null && line.Listener is null)
            {
                continue; // the listener stopped meanwhile (shutdown, reload): watch the client alone
            }
            if (_ready.Contains(client))
            {
                if (watchListener && !_ready.Contains(listener!))
                {
                    line.ListenerQuiet();
                }
                var left = end == long.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(Math.Max(1, end - Environment.TickCount64));
                return inner.ReceiveAsync(left); // bytes (or the end) are there: it does not block
            }
            if (listener is not null && _ready.Contains(listener))
            {
                line.OnListenerReady();
            }
            else if (watchListener)
            {
                line.ListenerQuiet();
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask FlushAsync() => inner.FlushAsync();

    /// <inheritdoc/>
    public ValueTask SendAsync(ReadOnlyMemory<byte> data) => inner.SendAsync(data);

    /// <inheritdoc/>
    public ValueTask SendFileAsync(string path, long offset, long length) => inner.SendFileAsync(path, offset, length);

    /// <inheritdoc/>
    public void ReleaseIdleBuffers() => inner.ReleaseIdleBuffers();

    /// <inheritdoc/>
    public void CloseAfterOutput() => inner.CloseAfterOutput();

    /// <inheritdoc/>
    public bool WatchHangUp(Connection connection) => inner.WatchHangUp(connection);

    /// <inheritdoc/>
    public void UnwatchHangUp() => inner.UnwatchHangUp();

    /// <inheritdoc/>
    public ValueTask CloseAsync(bool linger) => inner.CloseAsync(linger);

    /// <inheritdoc/>
    public void Dispose() => inner.Dispose();
}
