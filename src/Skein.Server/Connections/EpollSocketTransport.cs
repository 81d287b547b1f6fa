// The transport of the event-loop models (async, hybrid): non-blocking recv(2), send(2) and sendfile(2) on
// the connection's socket, called by the loop thread itself when the loop's epoll set says the socket is
// ready. The socket joins the set when it first has to wait, and stays for its whole life: edge-triggered,
// for reading, writing and the peer's hang-up (nginx's ngx_epoll_add_connection). A request that had arrived
// by the accept is answered, and a closing connection closed, without an epoll_ctl. The transport remembers
// whether each direction is ready (nginx's rev->ready and wev->ready), so a read that would block is not
// tried, and a receive that has to wait holds no input buffer until the socket is readable. Its waits (the
// receive timeout, the minimum response data rate) are bounded by one loop timer; no runtime socket engine,
// thread pool or timer thread takes part, and a completion runs the connection's code right there on the
// loop. It knows nothing about HTTP.
using System.Diagnostics;
using System.Net.Sockets;
using System.Threading.Tasks.Sources;
using Microsoft.Win32.SafeHandles;
using Skein.Server.Interop;
using Skein.Server.Lifecycle;
using Skein.Server.Threading;

namespace Skein.Server.Connections;

/// <summary>
/// Non-blocking socket I/O on an <see cref="EventLoop"/>. Create and use it on the loop thread only (the
/// connection's whole life runs there). A receive or send that cannot complete at once waits for the loop's
/// epoll set to report the socket ready, or for its deadline on the loop's timer; the awaiting code resumes
/// on the loop thread without a post. At most one receive and one send wait at a time, as
/// <see cref="ITransport"/> allows.
/// </summary>
public sealed class EpollSocketTransport : SocketTransport, IReadinessHandler, IValueTaskSource<int>, IValueTaskSource
{
    private readonly EventLoop _loop;
    private readonly Connection _connection;
    private readonly int _fd;
    private int _registration = -1; // in the loop's epoll set from the first wait (EnsureRegistered)
    private bool _referenced;
    private LoopTimer? _timer;       // bounds the waits; created on the first wait that has a deadline

    // What the socket can do without blocking, as far as the last call and the last edge say. A connection
    // starts readable: its request has usually arrived by the time it is accepted.
    private bool _readable = true;
    private bool _writable = true;
    private bool _peerClosed;        // its FIN came (EPOLLRDHUP): reads end once the queued bytes are taken
    private bool _lastOutput;        // the connection closes after what is sent now: its last segment waits for the FIN
    private bool _finSent;
    private Connection? _hangUpWatch;

    // The receive that waits for the socket to become readable, and the wait for room to send.
    private int _received;
    private long _receiveDeadline = LoopTimer.Never;
    private Waiter _receive;
    private long _sendDeadline = LoopTimer.Never;
    private Waiter _send;

    /// <summary>
    /// Serves <paramref name="connection"/> on <paramref name="loop"/>, whose thread must be the caller. A
    /// connection that came with a .NET socket (handed over rather than accepted by the loop) is switched to
    /// non-blocking first; one the loop accepted already is. A send of n bytes may wait
    /// <paramref name="minSendRate"/>.TimeAllowed(n) for the client (null: forever).
    /// </summary>
    /// <exception cref="IOException">fcntl failed.</exception>
    public EpollSocketTransport(EventLoop loop, Connection connection, int maxInputBytes, MinDataRate? minSendRate = null, bool unsentBounded = false)
        : base((connection ?? throw new ArgumentNullException(nameof(connection))).Handle, connection.RemoteEndPoint, maxInputBytes, minSendRate, unsentBounded)
    {
        ArgumentNullException.ThrowIfNull(loop);
        Debug.Assert(loop.InLoop, "a transport is created on its loop's thread");
        _loop = loop;
        _connection = connection;
        // Referenced for the transport's life: the descriptor number stays ours while the loop uses it raw.
        Handle.DangerousAddRef(ref _referenced);
        _fd = (int)Handle.DangerousGetHandle();
        if (connection.HasSocket && Fcntl.Call(_fd, Fcntl.F_SETFL, Fcntl.O_NONBLOCK) < 0)
        {
            var error = Errno.LastError("fcntl");
            Handle.DangerousRelease();
            _referenced = false;
            throw error;
        }
    }

    // Adds the socket to the loop's epoll set, once, for its whole life: edge-triggered, for reading, writing and
    // the peer's hang-up (nginx's ngx_epoll_add_connection). Called before the first wait, not at the accept:
    // most requests have arrived by then, and a connection that closes after answering them never needs the
    // set (one epoll_ctl fewer per `Connection: close` request). No edge is lost by joining late: EPOLL_CTL_ADD
    // reports what is ready at that moment.
    private void EnsureRegistered()
    {
        if (_registration >= 0)
        {
            return;
        }
        try
        {
            _registration = _loop.Register(Handle, Interest.Read | Interest.Write | Interest.PeerClosed | Interest.EdgeTriggered, this);
        }
        catch (IOException e)
        {
            // Out of memory, or past fs.epoll.max_user_watches: the server's limit, not the client's doing.
            throw new TransportFailedException("The connection cannot wait for its socket: " + e.Message, e);
        }
    }

    /// <inheritdoc/>
    public override bool WatchHangUp(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // The socket's registration asks for EPOLLRDHUP: no thread, and no syscall once it is in the set.
        try
        {
            EnsureRegistered();
        }
        catch (TransportFailedException)
        {
            return false; // the server's disconnect watcher will do it
        }
        _hangUpWatch = connection;
        if (_peerClosed)
        {
            connection.Abandon();
        }
        return true;
    }

    /// <inheritdoc/>
    public override void UnwatchHangUp() => _hangUpWatch = null;

    /// <summary>From now on sends say MSG_MORE: full segments still leave at once, but the last partial one waits
    /// for the FIN, which then rides on it (Linux's tcp_send_fin adds the FIN to a segment not yet sent): ten
    /// thousand long-polls released at once (/notify) are ten thousand packets fewer over loopback. The FIN is
    /// sent by shutdown(2) just before close(2) (see <see cref="DisposeCore"/>).</summary>
    public override void CloseAfterOutput() => _lastOutput = true;

    /// <summary>The loop reports the socket ready: completes the waiting receive or send, and tells a
    /// watched connection that its client hung up.</summary>
    public void OnReady(Readiness events)
    {
        if ((events & (Readiness.Readable | Readiness.PeerClosed | Readiness.Failed)) != 0)
        {
            _readable = true;
        }
        if ((events & (Readiness.Writable | Readiness.Failed)) != 0)
        {
            _writable = true;
        }
        if ((events & (Readiness.PeerClosed | Readiness.Failed)) != 0)
        {
            _peerClosed = true;
        }
        // Each completion runs the connection's code until its next wait; it may end the connection.
        if (_receive.Waiting && _readable)
        {
            CompleteReceive();
        }
        if (_send.Waiting && _writable && !IsDisposed)
        {
            _sendDeadline = LoopTimer.Never;
            RescheduleTimer();
            Complete(ref _send, null);
        }
        if (_peerClosed && _hangUpWatch is { } watched && !IsDisposed)
        {
            _hangUpWatch = null;
            watched.Abandon();
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<int> ReceiveCoreAsync(TimeSpan timeout)
    {
        Debug.Assert(_loop.InLoop, "a transport is used on its loop's thread");
        Debug.Assert(!_receive.Waiting, "one receive at a time");
        if (_readable)
        {
            var received = TryReceive(InputSpace().Span);
            if (received >= 0)
            {
                return new ValueTask<int>(received);
            }
        }
        EnsureRegistered();
        ReleaseEmptyInput(); // rented again when the socket is readable (CompleteReceive)
        _receive.Begin();
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            _receiveDeadline = _loop.Now + (long)Math.Ceiling(Math.Max(0, timeout.TotalMilliseconds));
            RescheduleTimer();
        }
        return new ValueTask<int>(this, _receive.Token);
    }

    /// <inheritdoc/>
    protected override ValueTask SendCoreAsync(ReadOnlyMemory<byte> data, bool more)
    {
        Debug.Assert(_loop.InLoop, "a transport is used on its loop's thread");
        var sent = TrySend(data.Span, more);
        // The allowance starts when the client makes us wait (the send so far took microseconds).
        return sent == data.Length ? ValueTask.CompletedTask : SendRestAsync(data[sent..], more, StartSend(data.Length));
    }

    /// <summary>sendfile(2) found the send buffer full: waits until the loop reports room (no copy of the
    /// file), within <paramref name="deadline"/>.</summary>
    protected override ValueTask<long> WhenSendBufferFullAsync(SafeFileHandle file, long position, long left, SendDeadline deadline)
    {
        _writable = false;
        var writable = WhenWritableAsync(deadline);
        return writable.IsCompletedSuccessfully ? new ValueTask<long>(0L) : WaitedAsync(writable);

        static async ValueTask<long> WaitedAsync(ValueTask writable)
        {
            await writable;
            return 0;
        }
    }

    /// <inheritdoc/>
    protected override void ShutdownSend()
    {
        _finSent = true;
        if (UnixSockets.Shutdown(_fd, UnixSockets.SHUT_WR) != 0 && Errno.Last is var errno && errno != Errno.ENOTCONN)
        {
            throw Errno.SocketError(errno);
        }
    }

    /// <summary>Leaves the loop, sends the FIN of a last response, and closes the socket (closing takes it out of
    /// the epoll set: no epoll_ctl). A socket whose last segment is held for the FIN is shut down (the segment
    /// leaves with the FIN) and closed at once; any other waits for the end of the loop's turn, so that the turn's
    /// answers leave before its closes.</summary>
    protected override void DisposeCore()
    {
        Debug.Assert(_loop.InLoop, "a transport is closed on its loop's thread");
        _timer?.Dispose();
        _hangUpWatch = null;
        if (_registration >= 0)
        {
            _loop.Unregister(_registration, Handle, closing: true);
        }
        var held = _lastOutput && !_finSent; // the response's last partial segment waits for the FIN
        if (held)
        {
            // The held segment leaves with the FIN now, by shutdown(2): close(2) with bytes unread in the kernel
            // answers with a reset and drops what was never sent, while after the FIN the response is on its way.
            // Whether bytes are unread cannot be known without a call: the readiness edge of bytes a client sent
            // after its request (a pipelined one behind Connection: close) may still wait in the epoll set while
            // this turn answers it. Closing at once when the socket was not known readable is the likeliest way
            // the matrix's waiter test once saw a reset instead of its answer (in a loaded CI run; not reproduced
            // by hand). So always shutdown(2), then close(2): one syscall more per closing connection. (Bytes read
            // but not parsed, in the input buffer, are out of the kernel already: they cannot cause a reset.)
            _ = UnixSockets.Shutdown(_fd, UnixSockets.SHUT_WR); // fails only if the client is gone already
        }
        if (_referenced)
        {
            _referenced = false;
            Handle.DangerousRelease();
        }
        if (held)
        {
            // Closed at once rather than at the turn's end, where it would wait for the turn's other work: with
            // deferred accept a turn serves a whole batch of accepted connections, so the first answer of a batch
            // of 20 waited for the other 19 (compare.sh close: about 8 % of the rate, docs/performance.md).
            _connection.CloseSocket();
            return;
        }
        _loop.AtEndOfTurn(static connection => ((Connection)connection!).CloseSocket(), _connection);
    }

    // Receives into the waiting receive's buffer, if it does not block, and completes it.
    private void CompleteReceive()
    {
        int received;
        Exception? error = null;
        try
        {
            received = TryReceive(InputSpace().Span);
            if (received < 0)
            {
                ReleaseEmptyInput();
                return; // the edge was for something else (a hang-up with bytes still coming): keep waiting
            }
        }
        catch (SocketException e)
        {
            (received, error) = (0, e);
        }
        _received = received;
        _receiveDeadline = LoopTimer.Never;
        RescheduleTimer();
        Complete(ref _receive, error);
    }

    // One recv(2): the bytes received (0 at the end of input), or -1 when it would block.
    private unsafe int TryReceive(Span<byte> buffer)
    {
        fixed (byte* bytes = buffer)
        {
            while (true)
            {
                var received = UnixSockets.Recv(_fd, bytes, (nuint)buffer.Length, 0);
                if (received >= 0)
                {
                    // A read shorter than asked emptied the socket (nginx: rev->ready = 0): the next edge says when
                    // more comes. Not after the peer's FIN, whose edge has come already: then read until 0.
                    if (received < buffer.Length && !_peerClosed)
                    {
                        _readable = false;
                    }
                    return (int)received;
                }
                var errno = Errno.Last;
                if (errno == Errno.EAGAIN)
                {
                    _readable = false;
                    return -1;
                }
                if (errno != Errno.EINTR)
                {
                    throw Errno.SocketError(errno);
                }
            }
        }
    }

    // send(2) until everything is sent or it would block: the bytes sent.
    private unsafe int TrySend(ReadOnlySpan<byte> data, bool more)
    {
        var flags = UnixSockets.MSG_NOSIGNAL | (more || _lastOutput ? UnixSockets.MSG_MORE : 0);
        var total = 0;
        fixed (byte* bytes = data)
        {
            while (_writable && total < data.Length)
            {
                var sent = UnixSockets.Send(_fd, bytes + total, (nuint)(data.Length - total), flags);
                if (sent >= 0)
                {
                    total += (int)sent;
                    if (total < data.Length)
                    {
                        _writable = false; // a short send filled the buffer (nginx: wev->ready = 0)
                    }
                    continue;
                }
                var errno = Errno.Last;
                if (errno == Errno.EAGAIN)
                {
                    _writable = false;
                }
                else if (errno != Errno.EINTR)
                {
                    throw Errno.SocketError(errno);
                }
            }
        }
        return total;
    }

    private async ValueTask SendRestAsync(ReadOnlyMemory<byte> data, bool more, SendDeadline deadline)
    {
        while (!data.IsEmpty)
        {
            await WhenWritableAsync(deadline);
            data = data[TrySend(data.Span, more)..];
        }
    }

    // Waits until the loop reports room to send; past the deadline (loop time, as TickCount64) it fails with a TimeoutException.
    private ValueTask WhenWritableAsync(SendDeadline deadline)
    {
        if (_writable)
        {
            return ValueTask.CompletedTask;
        }
        EnsureRegistered();
        _send.Begin();
        if (deadline.End != LoopTimer.Never)
        {
            _sendDeadline = deadline.End;
            RescheduleTimer();
        }
        return new ValueTask(this, _send.Token);
    }

    // Arms the one timer for the nearest deadline of the waits (or disarms it).
    private void RescheduleTimer()
    {
        var due = Math.Min(_receiveDeadline, _sendDeadline);
        if (due == LoopTimer.Never)
        {
            _timer?.Cancel();
            return;
        }
        _timer ??= _loop.CreateTimer(static state => ((EpollSocketTransport)state!).OnDeadline(), this);
        _timer.ScheduleAt(due);
    }

    private void OnDeadline()
    {
        var now = _loop.Now;
        if (_receive.Waiting && _receiveDeadline <= now)
        {
            _receiveDeadline = LoopTimer.Never;
            Complete(ref _receive, new TimeoutException());
        }
        if (_send.Waiting && _sendDeadline <= now && !IsDisposed)
        {
            _sendDeadline = LoopTimer.Never;
            Complete(ref _send, new TimeoutException("The client took the response slower than the minimum response data rate."));
        }
        if (!IsDisposed)
        {
            RescheduleTimer();
        }
    }

    // Marks a wait complete and runs its continuation here, on the loop thread.
    private static void Complete(ref Waiter waiter, Exception? error)
    {
        var (continuation, state, scheduler, context) = waiter.Finish(error);
        if (continuation is null)
        {
            return;
        }
        if (scheduler is not null)
        {
            // Awaited from another synchronization context (not the loop's): resume there.
            scheduler.Post(static s =>
            {
                var (c, st) = ((Action<object?>, object?))s!;
                c(st);
            }, (continuation, state));
        }
        else if (context is not null)
        {
            ExecutionContext.Run(context, static s =>
            {
                var (c, st) = ((Action<object?>, object?))s!;
                c(st);
            }, (continuation, state));
        }
        else
        {
            continuation(state);
        }
    }

    int IValueTaskSource<int>.GetResult(short token)
    {
        _receive.TakeResult(token);
        return _received;
    }

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _receive.Status(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _receive.OnCompleted(continuation, state, token, flags, _loop.Context);

    void IValueTaskSource.GetResult(short token) => _send.TakeResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _send.Status(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _send.OnCompleted(continuation, state, token, flags, _loop.Context);

    // One reusable wait (ManualResetValueTaskSourceCore's job, but its continuation always posts to a captured
    // context: here the loop's own context is the one it completes on, so the continuation runs inline).
    private struct Waiter
    {
        private Action<object?>? _continuation;
        private object? _state;
        private SynchronizationContext? _scheduler;
        private ExecutionContext? _context;
        private Exception? _error;
        private bool _done;

        public short Token { get; private set; }

        public bool Waiting { get; private set; }

        public void Begin()
        {
            Waiting = true;
            _done = false;
        }

        public (Action<object?>?, object?, SynchronizationContext?, ExecutionContext?) Finish(Exception? error)
        {
            Waiting = false;
            _done = true;
            _error = error;
            var taken = (_continuation, _state, _scheduler, _context);
            (_continuation, _state, _scheduler, _context) = (null, null, null, null);
            return taken;
        }

        public readonly ValueTaskSourceStatus Status(short token)
        {
            Check(token);
            return !_done ? ValueTaskSourceStatus.Pending
                : _error is null ? ValueTaskSourceStatus.Succeeded
                : ValueTaskSourceStatus.Faulted;
        }

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags, SynchronizationContext loop)
        {
            Check(token);
            if ((flags & ValueTaskSourceOnCompletedFlags.UseSchedulingContext) != 0
                && SynchronizationContext.Current is { } current && current != loop)
            {
                _scheduler = current;
            }
            if ((flags & ValueTaskSourceOnCompletedFlags.FlowExecutionContext) != 0)
            {
                _context = ExecutionContext.Capture();
            }
            if (_done)
            {
                // Completed between the awaiter's check and now (it cannot on one thread, but be exact).
                continuation(state);
                return;
            }
            (_continuation, _state) = (continuation, state);
        }

        public void TakeResult(short token)
        {
            Check(token);
            if (!_done)
            {
                throw new InvalidOperationException("The operation has not completed.");
            }
            var error = _error;
            _done = false;
            _error = null;
            Token++;
            if (error is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
            }
        }

        private readonly void Check(short token)
        {
            if (token != Token)
            {
                throw new InvalidOperationException("The operation was already awaited.");
            }
        }
    }
}
