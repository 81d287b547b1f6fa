// The hybrid worker's end of the hand-out: the master's channel sits in the first event loop's epoll set, and
// that loop receives each message itself and starts serving a handed-over connection at once (nginx's workers
// read their channel in their own event cycle, ngx_channel_handler). No thread of the worker waits on the
// channel, so a connection costs no wake-up of a second thread and no hop to the loop's queue. A master with one
// worker sends it the listening socket instead (Listen), and the loop accepts from it as the async model's does
// (EventLoopAcceptor). It does not decide how a connection is served (ServerContext does) nor what happens when
// the hand-out ends (ProcessWorker).

using Microsoft.Win32.SafeHandles;
using Skein.Server.Lifecycle;
using Skein.Server.Processes;
using Skein.Server.Threading;

namespace Skein.Server.Models;

/// <summary>Receives the master's messages on <paramref name="loops"/>' first loop until Stop or end-of-file:
/// each ServeMany's sockets are admitted and served on the group's next loop, in the order the master sent them;
/// a Listen's socket is accepted from on that loop until the server stops accepting.</summary>
internal sealed class HandOutReceiver(ServerContext server, WorkerChannel channel, EventLoopGroup loops) : IReadinessHandler, IDisposable
{
    private readonly EventLoop _loop = loops.Loops[0];
    private readonly ManualResetEventSlim _ended = new();
    private readonly SafeFileHandle?[] _received = new SafeFileHandle?[HandOutBatch.MaxConnections]; // the loop's only

    private int _registration = -1;
    private bool _stopped;
    private Listener? _listener;
    private EventLoopAcceptor? _acceptor;

    /// <summary>Puts the channel in the first loop's epoll set; returns at once.</summary>
    public void Start() => _loop.Post(static state => ((HandOutReceiver)state!).Register(), this);

    /// <summary>Blocks until the hand-out ends: true when the master said Stop (every ServeMany it sent before
    /// was taken), false when the master is gone (end-of-file) or the channel failed.</summary>
    public bool WaitForEnd()
    {
        _ended.Wait();
        return _stopped;
    }

    /// <summary>One message per report: the set is level-triggered, so another one waiting is reported on the
    /// loop's next turn, between its connections' events, and no receive is spent learning that none is left.</summary>
    public void OnReady(Readiness events)
    {
        if (_registration < 0)
        {
            return;
        }
        WorkerMessage message;
        int count;
        bool closed;
        try
        {
            if (!channel.TryReceiveNow(out message, _received, out count, out closed))
            {
                if (closed)
                {
                    End(stopped: false);
                }
                return;
            }
        }
        catch (InvalidDataException e)
        {
            ProcessLog.ChannelFailed(server.Log, Environment.ProcessId, e.Message);
            End(stopped: false); // a channel that carries garbage is as good as gone
            return;
        }
        if (message.Kind == WorkerMessageKind.ServeMany)
        {
            Serve(message, count);
            return;
        }
        if (message.Kind == WorkerMessageKind.Listen && count == 1 && _listener is null)
        {
            Listen(_received[0]!);
            _received[0] = null;
            return;
        }
        Release(0, count);
        if (message.Kind == WorkerMessageKind.ReopenLogs)
        {
            ProcessWorker.ReopenLogs(server);
        }
        else if (message.Kind == WorkerMessageKind.Stop)
        {
            End(stopped: true); // nothing after Stop is read: the master sends nothing after it
        }
    }

    /// <summary>Releases the end signal and the listening socket, if one came (after <see cref="WaitForEnd"/> returned
    /// and the server stopped accepting).</summary>
    public void Dispose()
    {
        _acceptor?.Dispose();
        _listener?.Dispose();
        _ended.Dispose();
    }

    // The listening socket (the master's only worker): the loop accepts from it, and the server's "stop accepting"
    // takes it out of the loop, then closes this process's copy (never shutdown(2): the master's copy stays open).
    // A socket that cannot be accepted from (fcntl, or the Socket around it, failed) ends the worker as a broken
    // channel does: the master replaces it.
    private void Listen(SafeFileHandle fd)
    {
        System.Net.Sockets.SafeSocketHandle? socket = null;
        Listener? listener = null;
        EventLoopAcceptor acceptor;
        try
        {
            socket = UnixFdChannel.ToSocket(fd);
            listener = Listener.FromShared(SharedListeningSocket.Prepare(socket), server.Log);
            acceptor = new EventLoopAcceptor(server, listener, loops);
            acceptor.Start();
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            ((IDisposable?)listener ?? (IDisposable?)socket ?? fd).Dispose();
            ProcessLog.ListenFailed(server.Log, Environment.ProcessId, e.Message);
            End(stopped: false);
            return;
        }
        (_listener, _acceptor) = (listener, acceptor);
        server.Shutdown.OnStopAccepting(() =>
        {
            acceptor.Stop();
            listener.Stop();
        });
    }

    // Each connection of a batch, admitted with the address that came with it and served on the group's next
    // loop, in the order the master accepted them. A batch whose addresses do not match its sockets is garbage.
    private void Serve(WorkerMessage message, int count)
    {
        var payload = message.Payload.Span;
        var offset = 0;
        var served = 0;
        for (; served < count && HandOutBatch.TryReadAddress(payload, ref offset, out var peer); served++)
        {
            var fd = _received[served]!;
            _received[served] = null;
            if (server.AdmitHandedOut(fd, peer) is { } connection)
            {
                loops.Next().Spawn(() => server.ServeAsync(connection));
            }
        }
        if (served != count || count != message.Value || offset != payload.Length)
        {
            Release(served, count);
            ProcessLog.ChannelFailed(server.Log, Environment.ProcessId, $"A batch of {message.Value} connections came with {count} sockets and {payload.Length} bytes of addresses.");
            End(stopped: false);
        }
    }

    // Closes received descriptors nobody took.
    private void Release(int from, int count)
    {
        for (var i = from; i < count; i++)
        {
            _received[i]!.Dispose();
            _received[i] = null;
        }
    }

    private void Register()
    {
        try
        {
            _registration = _loop.Register(channel.Channel.Handle, Interest.Read, this);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            ProcessLog.ChannelFailed(server.Log, Environment.ProcessId, e.Message);
            End(stopped: false);
        }
    }

    private void End(bool stopped)
    {
        if (_registration >= 0)
        {
            _loop.Unregister(_registration, channel.Channel.Handle, closing: false);
            _registration = -1;
        }
        _stopped = stopped;
        _ended.Set();
    }
}
