// The transport of the event-loop models: Socket.ReceiveAsync/SendAsync (SocketAsyncEventArgs under the
// hood, completed by the runtime's epoll thread). Awaits resume on the caller's SynchronizationContext,
// which on an event loop is the loop itself. It never uses ConfigureAwait(false) for that reason.
// The epoll thread hands each completion straight to that loop (inline completions, see the static
// PreferInlineCompletions) rather than through the thread pool: one thread hop per wake-up instead of two.
using System.Buffers;
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;

namespace Skein.Server.Connections;

/// <summary>Asynchronous socket I/O; receive and send timeouts by per-connection cancellation sources.</summary>
public sealed class AsyncSocketTransport(Socket socket, int maxInputBytes, MinDataRate? minSendRate = null)
    : SocketTransport(socket, maxInputBytes, minSendRate)
{
    private CancellationTokenSource? _receiveTimeout;
    private CancellationTokenSource? _sendTimeout;

    /// <summary>
    /// Asks the runtime to run socket completions on its epoll thread instead of queueing them to the thread
    /// pool (Kestrel's <c>UnsafePreferInlineScheduling</c> is the same switch). Safe here because every
    /// continuation of this transport is posted to its event loop at once and never blocks the epoll thread.
    /// The runtime reads the variable once, when its socket engine starts (the first accept may start it), so
    /// a server calls this before its first socket; worker processes inherit it. Measured with
    /// <c>strace -c -f</c> on <c>async -w 1</c>, small page, 50 keep-alive connections: 8.6 syscalls per
    /// request without (5.3 of them <c>sched_yield</c> of thread-pool workers spinning for work), 2.9 with
    /// (recv 1.35, send 1.0, epoll_wait 0.47).
    /// </summary>
    public static void PreferInlineCompletions()
        => Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

    /// <inheritdoc/>
    protected override async ValueTask<int> ReceiveCoreAsync(Memory<byte> buffer, TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return await Socket.ReceiveAsync(buffer, SocketFlags.None);
        }
        var timer = Arm(ref _receiveTimeout, timeout);
        try
        {
            return await Socket.ReceiveAsync(buffer, SocketFlags.None, timer.Token);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested)
        {
            throw new TimeoutException();
        }
        finally
        {
            timer.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    /// <inheritdoc/>
    protected override void DisposeCore()
    {
        _receiveTimeout?.Dispose();
        _sendTimeout?.Dispose();
    }

    /// <inheritdoc/>
    protected override async ValueTask SendCoreAsync(ReadOnlyMemory<byte> data)
    {
        var allowed = SendTimeAllowed(data.Length);
        if (allowed == Timeout.InfiniteTimeSpan)
        {
            while (!data.IsEmpty)
            {
                data = data[await Socket.SendAsync(data, SocketFlags.None)..];
            }
            return;
        }
        var timer = Arm(ref _sendTimeout, allowed);
        try
        {
            while (!data.IsEmpty)
            {
                data = data[await Socket.SendAsync(data, SocketFlags.None, timer.Token)..];
            }
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested)
        {
            throw new TimeoutException("The client took the response slower than the minimum response data rate.");
        }
        finally
        {
            timer.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    // One source per direction, re-armed per operation; replaced only after it actually fired.
    private static CancellationTokenSource Arm(ref CancellationTokenSource? source, TimeSpan timeout)
    {
        if (source is null || !source.TryReset())
        {
            source?.Dispose();
            source = new CancellationTokenSource();
        }
        source.CancelAfter(timeout);
        return source;
    }

    /// <summary>The runtime offers no "wait until writable" for a socket, but its SendAsync waits: one
    /// piece of the file is read and sent that way, then sendfile(2) takes over again. So a large file costs
    /// one 64 KiB copy each time the client falls behind, and is otherwise zero-copy. That send is held to the
    /// minimum data rate like any other (SendCoreAsync).</summary>
    protected override async ValueTask<long> WhenSendBufferFullAsync(SafeFileHandle file, long position, long left, SendDeadline deadline)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyChunkSize);
        try
        {
            // A page-cache read on the loop thread, as nginx reads without aio threads.
            var read = RandomAccess.Read(file, buffer.AsSpan(0, (int)Math.Min(CopyChunkSize, left)), position);
            if (read == 0)
            {
                throw new IOException($"The file ended at {position}, before the bytes announced.");
            }
            await SendCoreAsync(buffer.AsMemory(0, read));
            return read;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
