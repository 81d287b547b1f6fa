// The transport of the thread and process models: plain blocking Socket.Receive/Send on the calling
// thread. Every ValueTask it returns is already complete, so the connection loop runs straight through.
// Its timeouts are the socket's own (SO_RCVTIMEO, SO_SNDTIMEO): no timer, no extra wake-up.
using System.Net;
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using Skein.Server.Interop;

namespace Skein.Server.Connections;

/// <summary>Blocking socket I/O. Receive and send timeouts are the socket's SO_RCVTIMEO and SO_SNDTIMEO,
/// set only when they change.</summary>
public sealed class BlockingSocketTransport(Socket socket, int maxInputBytes, MinDataRate? minSendRate = null, bool unsentBounded = false)
    : SocketTransport(socket.SafeHandle, socket.RemoteEndPoint as IPEndPoint, maxInputBytes, minSendRate, unsentBounded)
{
    private int _receiveTimeoutMs;
    private int _sendTimeoutMs;

    private Socket Socket { get; } = socket;

    /// <inheritdoc/>
    protected override ValueTask<int> ReceiveCoreAsync(TimeSpan timeout)
    {
        var ms = Milliseconds(timeout);
        if (ms != _receiveTimeoutMs)
        {
            Socket.ReceiveTimeout = ms; // 0 = wait forever
            _receiveTimeoutMs = ms;
        }
        var received = Socket.Receive(InputSpace().Span, SocketFlags.None, out var error);
        return error switch
        {
            SocketError.Success => ValueTask.FromResult(received),
            SocketError.TimedOut or SocketError.WouldBlock => ValueTask.FromException<int>(new TimeoutException()),
            _ => ValueTask.FromException<int>(new SocketException((int)error)),
        };
    }

    /// <inheritdoc/>
    protected override ValueTask SendCoreAsync(ReadOnlyMemory<byte> data, bool more)
    {
        var span = data.Span;
        var deadline = StartSend(span.Length);
        if (more)
        {
            // Socket.Send takes no MSG_MORE: one send(2) of our own; whatever it leaves goes the usual way.
            span = span[SendMore(span)..];
        }
        while (!span.IsEmpty)
        {
            var sent = Socket.Send(span, SocketFlags.None, out var error);
            if (error is SocketError.TimedOut or SocketError.WouldBlock)
            {
                return ValueTask.FromException(new TimeoutException("The client took the response slower than the minimum response data rate."));
            }
            if (error != SocketError.Success)
            {
                return ValueTask.FromException(new SocketException((int)error));
            }
            span = span[sent..];
            if (!span.IsEmpty)
            {
                // A blocking send returns early when its SO_SNDTIMEO ran out, or when a signal came (the
                // runtime uses some): give it what is left of the allowance, if anything is.
                if (deadline.MillisecondsLeft <= 0)
                {
                    return ValueTask.FromException(new TimeoutException("The client took the response slower than the minimum response data rate."));
                }
                ArmSendTimeout(TimeSpan.FromMilliseconds(deadline.MillisecondsLeft));
            }
        }
        return ValueTask.CompletedTask;
    }

    // One blocking send(2) with MSG_MORE: the bytes sent (0 when interrupted or timed out: the loop retries).
    private unsafe int SendMore(ReadOnlySpan<byte> data)
    {
        fixed (byte* bytes = data)
        {
            var sent = UnixSockets.Send((int)Handle.DangerousGetHandle(), bytes, (nuint)data.Length,
                UnixSockets.MSG_NOSIGNAL | UnixSockets.MSG_MORE);
            if (sent >= 0)
            {
                return (int)sent;
            }
            var errno = Errno.Last;
            return errno is Errno.EAGAIN or Errno.EINTR ? 0 : throw Errno.SocketError(errno);
        }
    }

    /// <inheritdoc/>
    protected override void ArmSendTimeout(TimeSpan allowed)
    {
        var ms = Milliseconds(allowed);
        if (ms != _sendTimeoutMs)
        {
            Socket.SendTimeout = ms;
            _sendTimeoutMs = ms;
        }
    }

    /// <summary>A blocking sendfile(2) says EAGAIN when its SO_SNDTIMEO ran out with nothing sent; if the
    /// socket turns out non-blocking, waits for it to become writable, within what is left of the allowance.</summary>
    protected override ValueTask<long> WhenSendBufferFullAsync(SafeFileHandle file, long position, long left, SendDeadline deadline)
    {
        var ms = deadline.MillisecondsLeft;
        var microseconds = ms == long.MaxValue ? -1 : (int)Math.Clamp(ms * 1000, 0, int.MaxValue);
        if (!Socket.Poll(microseconds, SelectMode.SelectWrite))
        {
            deadline.ThrowIfPassed();
        }
        return ValueTask.FromResult(0L);
    }

    /// <inheritdoc/>
    protected override void ShutdownSend() => Socket.Shutdown(SocketShutdown.Send);

    /// <inheritdoc/>
    protected override void DisposeCore() => Socket.Dispose();

    // Socket timeouts in milliseconds: 0 means forever, anything else at least 1.
    private static int Milliseconds(TimeSpan timeout)
        => timeout == Timeout.InfiniteTimeSpan ? 0 : (int)Math.Clamp(Math.Ceiling(timeout.TotalMilliseconds), 1, int.MaxValue);
}
