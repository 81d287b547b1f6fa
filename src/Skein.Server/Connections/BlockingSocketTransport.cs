// The transport of the thread and process models: plain blocking Socket.Receive/Send on the calling
// thread. Every ValueTask it returns is already complete, so the connection loop runs straight through.
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;

namespace Skein.Server.Connections;

/// <summary>Blocking socket I/O. A receive timeout is the socket's SO_RCVTIMEO, set only when it changes.</summary>
public sealed class BlockingSocketTransport(Socket socket, int maxInputBytes) : SocketTransport(socket, maxInputBytes)
{
    private int _receiveTimeoutMs;

    /// <inheritdoc/>
    protected override ValueTask<int> ReceiveCoreAsync(Memory<byte> buffer, TimeSpan timeout)
    {
        var ms = timeout == Timeout.InfiniteTimeSpan ? 0 : (int)Math.Clamp(Math.Ceiling(timeout.TotalMilliseconds), 1, int.MaxValue);
        if (ms != _receiveTimeoutMs)
        {
            Socket.ReceiveTimeout = ms; // 0 = wait forever
            _receiveTimeoutMs = ms;
        }
        var received = Socket.Receive(buffer.Span, SocketFlags.None, out var error);
        return error switch
        {
            SocketError.Success => ValueTask.FromResult(received),
            SocketError.TimedOut or SocketError.WouldBlock => ValueTask.FromException<int>(new TimeoutException()),
            _ => ValueTask.FromException<int>(new SocketException((int)error)),
        };
    }

    /// <inheritdoc/>
    protected override ValueTask SendCoreAsync(ReadOnlyMemory<byte> data)
    {
        var span = data.Span;
        while (!span.IsEmpty)
        {
            var sent = Socket.Send(span, SocketFlags.None, out var error);
            if (error != SocketError.Success)
            {
                return ValueTask.FromException(new SocketException((int)error));
            }
            span = span[sent..];
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>A blocking socket does not fill up this way; if it turns out non-blocking, waits for it to
    /// become writable.</summary>
    protected override ValueTask<long> WhenSendBufferFullAsync(SafeFileHandle file, long position, long left)
    {
        Socket.Poll(-1, SelectMode.SelectWrite);
        return ValueTask.FromResult(0L);
    }
}
