// What both socket transports share: the input buffer (grown, compacted and parsed in place), the output
// buffer, sendfile(2), the lingering close, and the minimum response data rate every send is held to.
// Subclasses supply only the waiting (a blocking thread, or an event loop's epoll) and how their socket is
// shut down and closed.
using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Skein.Server.Interop;

namespace Skein.Server.Connections;

/// <summary>The buffer management of a socket <see cref="ITransport"/>; see <see cref="BlockingSocketTransport"/>
/// and <see cref="EpollSocketTransport"/>.</summary>
public abstract class SocketTransport : ITransport
{
    /// <summary>First size of the input buffer: a typical browser request head fits.</summary>
    protected const int InitialInputSize = 4096;

    /// <summary>Pieces in which a file is copied when it cannot go zero-copy: bounded memory per connection.</summary>
    protected const int CopyChunkSize = 64 * 1024;

    // Most bytes one sendfile(2) call is asked for (Linux sends at most 0x7ffff000 per call anyway); under a
    // minimum data rate, less, so that each call's allowance (bytes / rate) stays within reason.
    private const long MaxSendFileBytes = 1L << 30;
    private const long RatedSendFileBytes = 4L << 20;

    // Lingering close (nginx lingering_close): read and discard for at most this long, this much.
    private static readonly TimeSpan LingerTime = TimeSpan.FromSeconds(2);
    private const int LingerBytes = 1024 * 1024;

    private readonly int _maxInput;
    private readonly MinDataRate? _minSendRate;
    private readonly bool _unsentBounded;
    private readonly OutputBuffer _output = new();
    private byte[] _input = [];
    private int _start;
    private int _end;
    private bool _receiving; // a receive is filling the input buffer: it must not be released meanwhile
    private bool _disposed;

    /// <summary>Serves the connected socket <paramref name="handle"/> (the client at <paramref name="remoteEndPoint"/>);
    /// the input buffer never grows past <paramref name="maxInputBytes"/>, and a send of n bytes may wait
    /// <paramref name="minSendRate"/>.TimeAllowed(n) for the client (null: forever). <paramref name="unsentBounded"/>
    /// says that the socket's unsent queue is bounded (TCP_NOTSENT_LOWAT, <see cref="ServerOptions.NotSentLowWater"/>),
    /// which changes how a file body is best sent (<see cref="SendFileAsync"/>).</summary>
    protected SocketTransport(SafeHandle handle, IPEndPoint? remoteEndPoint, int maxInputBytes, MinDataRate? minSendRate, bool unsentBounded)
    {
        ArgumentNullException.ThrowIfNull(handle);
        Handle = handle;
        _maxInput = Math.Max(maxInputBytes, InitialInputSize);
        _minSendRate = minSendRate;
        _unsentBounded = unsentBounded;
        RemoteEndPoint = remoteEndPoint;
    }

    /// <summary>The connected socket's descriptor.</summary>
    protected SafeHandle Handle { get; }

    /// <summary>True once the transport was disposed (the socket is closed).</summary>
    protected bool IsDisposed => _disposed;

    /// <inheritdoc/>
    public IPEndPoint? RemoteEndPoint { get; }

    /// <inheritdoc/>
    public ReadOnlySequence<byte> Received => new(_input, _start, _end - _start);

    /// <summary>True while an input buffer is rented (for tests: a receive waiting with nothing unread holds none).</summary>
    internal bool HoldsInputBuffer => _input.Length > 0;

    /// <inheritdoc/>
    public bool IsInputFull => _start == 0 && _end >= _maxInput;

    /// <inheritdoc/>
    public IBufferWriter<byte> Output => _output;

    /// <inheritdoc/>
    public int PendingOutput => _output.WrittenCount;

    /// <summary>How long sending <paramref name="bytes"/> may wait for the client (the minimum response data
    /// rate), rounded up to whole seconds so that a socket timeout rarely needs changing;
    /// <see cref="Timeout.InfiniteTimeSpan"/> when there is no such rule.</summary>
    protected TimeSpan SendTimeAllowed(long bytes)
        => _minSendRate is { } rate ? TimeSpan.FromSeconds(Math.Ceiling(rate.TimeAllowed(bytes).TotalSeconds)) : Timeout.InfiniteTimeSpan;

    /// <summary>The pending output, for subclasses sending it.</summary>
    protected ReadOnlyMemory<byte> PendingBytes => _output.WrittenMemory;

    /// <inheritdoc/>
    public void Consume(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _end - _start);
        _start += (int)count;
    }

    /// <inheritdoc/>
    /// <remarks>Pooled: await it with ConfigureAwait(false) (ConnectionLoop's header says why).</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ReceiveAsync(TimeSpan timeout)
    {
        if (_start != _end)
        {
            // Makes room now (compacting or growing the buffer), so a buffer that cannot take more throws here
            // rather than on the event loop when the bytes come. An empty one is rented when they come.
            InputSpace();
        }
        int received;
        _receiving = true;
        try
        {
            received = await ReceiveCoreAsync(timeout);
        }
        finally
        {
            _receiving = false;
        }
        if (received == 0)
        {
            return false;
        }
        _end += received;
        return true;
    }

    /// <inheritdoc/>
    public ValueTask FlushAsync() => FlushAsync(more: false);

    // Sends the pending output; with more, tells the kernel that the body follows at once (MSG_MORE). Every
    // socket has TCP_NODELAY (from the listener), so a head sent alone leaves as a segment of its own and wakes
    // the client for a few hundred bytes while the body is still being queued; with MSG_MORE it leaves in one
    // full segment with the body's first bytes, and the body's send pushes (docs/performance.md, "Files").
    private async ValueTask FlushAsync(bool more)
    {
        if (_output.WrittenCount == 0)
        {
            return;
        }
        try
        {
            await SendCoreAsync(_output.WrittenMemory, more);
        }
        finally
        {
            _output.Reset();
        }
    }

    /// <inheritdoc/>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        await FlushAsync(more: !data.IsEmpty);
        if (!data.IsEmpty)
        {
            await SendCoreAsync(data, more: false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask SendFileAsync(string path, long offset, long length)
    {
        ArgumentNullException.ThrowIfNull(path);
        // nginx's sequence for a file body (open, send the head, sendfile, close), for whole files and ranges
        // alike, on every transport. The file is opened here rather than by name inside Socket.SendFile, which
        // also stats it, and on the async path left each descriptor open until the garbage collector ran.
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        // With an unbounded unsent queue, nginx's tcp_nopush: corked, the head waits for the file's first bytes
        // and only full segments leave until the uncork. MSG_MORE is not enough there: sendfile hands the file to
        // TCP 64 KiB at a time, releasing the socket between pieces, and each ACK processed then pushes the
        // partial last segment at once (TCP_NODELAY): 10-17 small segments more per 2 MiB than nginx, each waking
        // the client. With a bounded one (TCP_NOTSENT_LOWAT) each sendfile call queues a few segments beyond
        // what leaves at once and returns; a cork would hold the partial one at the queue's tail until the
        // uncork, while the queue, counted full, lets no call add to it: measured, corked 2 MiB responses went
        // 20-30 % slower, with p99 up to 175 ms (docs/performance.md, "Files"). The head then goes with MSG_MORE,
        // joining the file's first bytes.
        var corked = length > 0 && !_unsentBounded;
        if (corked)
        {
            SetCork(true);
        }
        await FlushAsync(more: length > 0 && _unsentBounded);
        var position = offset;
        var end = offset + length;
        var pieceLimit = _minSendRate is null ? MaxSendFileBytes : RatedSendFileBytes;
        while (position < end)
        {
            var piece = Math.Min(end - position, pieceLimit);
            var deadline = StartSend(piece);
            var sent = SendFileOnce(file, ref position, piece, out var errno);
            if (sent > 0)
            {
                if (sent < piece)
                {
                    deadline.ThrowIfPassed(); // a blocking sendfile returns early when its time ran out
                }
                continue;
            }
            if (sent == 0)
            {
                throw new IOException($"'{path}' ended at {position}, before the {length} bytes announced.");
            }
            if (errno == SendFileSyscall.EAGAIN)
            {
                position += await WhenSendBufferFullAsync(file, position, end - position, deadline);
            }
            else if (errno != SendFileSyscall.EINTR)
            {
                throw new SocketException(errno);
            }
        }
        if (corked)
        {
            SetCork(false); // pushes the last partial segment
        }
    }

    /// <summary>Only the event loop's transport holds the last segment for the FIN (a release of ten thousand
    /// long-polls happens there); a blocking one sends its last response as any other.</summary>
    public virtual void CloseAfterOutput()
    {
    }

    /// <summary>Socket transports cannot notice a hang-up by themselves unless they say otherwise (the event
    /// loop's does): the process's <see cref="Lifecycle.DisconnectWatcher"/> watches for them.</summary>
    public virtual bool WatchHangUp(Lifecycle.Connection connection) => false;

    /// <inheritdoc/>
    public virtual void UnwatchHangUp()
    {
    }

    /// <summary>Drops the input buffer when it holds no unconsumed byte and no receive is filling it (a
    /// handler waiting for its request body is), so a connection whose handler waits for something else (a long
    /// poll) holds none meanwhile; the next receive rents one again. Consumed bytes are invalid from here.</summary>
    public void ReleaseIdleBuffers()
    {
        if (!_receiving)
        {
            ReleaseEmptyInput();
        }
    }

    /// <summary>Called when sendfile(2) found the socket's send buffer full (a non-blocking socket, or a
    /// blocking one whose send timeout ran out): waits until the client has taken some of it, within
    /// <paramref name="deadline"/>, and may send a piece of the file itself meanwhile. Returns the bytes of
    /// the file it sent (0 if it only waited); <see cref="TimeoutException"/> when the client is too slow.</summary>
    protected abstract ValueTask<long> WhenSendBufferFullAsync(SafeFileHandle file, long position, long left, SendDeadline deadline);

    /// <summary>Gives the socket its send timeout for a send that may wait <paramref name="allowed"/> (a
    /// blocking socket's SO_SNDTIMEO); does nothing where timeouts are kept otherwise.</summary>
    protected virtual void ArmSendTimeout(TimeSpan allowed)
    {
    }

    /// <summary>Starts a send of <paramref name="bytes"/>: arms the socket's timeout and returns when the
    /// send must be over.</summary>
    protected SendDeadline StartSend(long bytes)
    {
        var allowed = SendTimeAllowed(bytes);
        ArmSendTimeout(allowed);
        return new SendDeadline(allowed == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)allowed.TotalMilliseconds);
    }

    /// <summary>When a send must be over (<see cref="Environment.TickCount64"/>), or never.</summary>
    protected readonly record struct SendDeadline(long End)
    {
        /// <summary>Milliseconds left; <see cref="long.MaxValue"/> for never.</summary>
        public long MillisecondsLeft => End == long.MaxValue ? long.MaxValue : End - Environment.TickCount64;

        /// <summary>Throws <see cref="TimeoutException"/> once the time is over.</summary>
        public void ThrowIfPassed()
        {
            if (MillisecondsLeft <= 0)
            {
                throw new TimeoutException("The client took the response slower than the minimum response data rate.");
            }
        }
    }

    // TCP_CORK on or off (tcp(7)); off sends what was held back.
    private unsafe void SetCork(bool on)
    {
        var value = on ? 1 : 0;
        if (UnixSockets.SetSockOpt(Handle, UnixSockets.IPPROTO_TCP, UnixSockets.TCP_CORK, &value, sizeof(int)) != 0)
        {
            throw Errno.SocketError(Errno.Last);
        }
    }

    // One sendfile(2) call: bytes sent (position advanced), 0 at the file's end, -1 with errno.
    private long SendFileOnce(SafeFileHandle file, ref long position, long left, out int errno)
    {
        var socketRef = false;
        var fileRef = false;
        try
        {
            Handle.DangerousAddRef(ref socketRef);
            file.DangerousAddRef(ref fileRef);
            var sent = SendFileSyscall.SendFile((int)Handle.DangerousGetHandle(), (int)file.DangerousGetHandle(),
                ref position, (nuint)Math.Min(left, MaxSendFileBytes));
            errno = sent < 0 ? Marshal.GetLastPInvokeError() : 0;
            return sent;
        }
        finally
        {
            if (fileRef)
            {
                file.DangerousRelease();
            }
            if (socketRef)
            {
                Handle.DangerousRelease();
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask CloseAsync(bool linger)
    {
        _output.Reset();
        try
        {
            // Without lingering, close(2) alone sends the FIN: a shutdown(2) first would only cost a syscall.
            if (linger)
            {
                ShutdownSend();
                await LingerAsync();
            }
        }
        catch (SocketException)
        {
            // The client reset or already closed: nothing left to be polite to.
        }
        catch (ObjectDisposedException)
        {
            // Aborted by shutdown meanwhile.
        }
        catch (TimeoutException)
        {
            // The client kept the connection open without sending: linger time is over.
        }
        Dispose();
    }

    /// <summary>Closes the socket and returns the buffers.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        DisposeCore();
        _output.Dispose();
        if (_input.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_input);
            _input = [];
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes the socket and releases what the subclass holds besides it.</summary>
    protected abstract void DisposeCore();

    /// <summary>Shuts down the sending side (a FIN after the bytes already sent), for a lingering close.</summary>
    protected abstract void ShutdownSend();

    /// <summary>Receives into <see cref="InputSpace"/>, called when the bytes can be read; 0 at end of input;
    /// <see cref="TimeoutException"/> on timeout.</summary>
    protected abstract ValueTask<int> ReceiveCoreAsync(TimeSpan timeout);

    /// <summary>Gives the input buffer back to the pool if it holds no unconsumed byte, for a receive about to wait
    /// for its socket: a connection between two requests (an idle keep-alive, or /io's client not yet sending the
    /// next) then waits holding none, and the receive calls <see cref="InputSpace"/> once there is something to
    /// read (nginx frees a keep-alive connection's header buffer; Kestrel waits with a zero-byte read before it
    /// allocates). Without it, ten thousand connections answered in one burst held ten thousand buffers until
    /// their next requests came, more than the pool keeps: each request rented a new one (docs/performance.md).</summary>
    protected void ReleaseEmptyInput()
    {
        if (_start == _end && _input.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_input);
            _input = [];
            _start = _end = 0;
        }
    }

    /// <summary>Sends all of <paramref name="data"/>; <see cref="TimeoutException"/> when it takes longer than
    /// <see cref="SendTimeAllowed"/> allows. With <paramref name="more"/>, more bytes follow at once (the file
    /// of a sendfile): the kernel may hold a last partial segment back for them (send(2)'s MSG_MORE).</summary>
    protected abstract ValueTask SendCoreAsync(ReadOnlyMemory<byte> data, bool more);

    private async ValueTask LingerAsync()
    {
        // Bounded by LingerTime and LingerBytes; discards into the input buffer, which is no longer needed.
        var deadline = Environment.TickCount64 + (long)LingerTime.TotalMilliseconds;
        var total = 0;
        _start = _end = 0;
        while (total < LingerBytes)
        {
            var left = deadline - Environment.TickCount64;
            if (left <= 0)
            {
                return;
            }
            var read = await ReceiveCoreAsync(TimeSpan.FromMilliseconds(left));
            if (read <= 0)
            {
                return;
            }
            total += read;
        }
    }

    /// <summary>Where a receive puts what it reads: the free end of the input buffer, rented if there is none,
    /// after moving unconsumed bytes to the front or growing the buffer when its end is reached.</summary>
    protected Memory<byte> InputSpace()
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        if (_input.Length == 0)
        {
            _input = ArrayPool<byte>.Shared.Rent(InitialInputSize);
        }
        if (_end == _input.Length)
        {
            if (_start > 0)
            {
                // Compact: move the unconsumed bytes to the front. Consumed bytes are invalid from here on.
                _input.AsSpan(_start, _end - _start).CopyTo(_input);
                _end -= _start;
                _start = 0;
            }
            else if (_input.Length < _maxInput)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Min(_maxInput, _input.Length * 2));
                _input.AsSpan(0, _end).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_input);
                _input = larger;
            }
            else
            {
                throw new InvalidOperationException("The input buffer is full; consume before receiving.");
            }
        }
        return _input.AsMemory(_end);
    }
}
