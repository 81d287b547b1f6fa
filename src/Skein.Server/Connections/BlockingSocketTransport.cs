// The transport of the thread and process models: plain blocking Socket.Receive/Send on the calling
// thread. Every ValueTask it returns is already complete, so the connection loop runs straight through.
using System.Net.Sockets;
using System.Runtime.InteropServices;
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

    /// <inheritdoc/>
    protected override ValueTask SendWholeFileCoreAsync(string path, ReadOnlyMemory<byte> preBuffer)
    {
        Socket.SendFile(path, preBuffer.Span, ReadOnlySpan<byte>.Empty, TransmitFileOptions.UseDefaultWorkerThread);
        return ValueTask.CompletedTask;
    }

    /// <summary>A range goes with sendfile(2) too: its bytes never enter this process. Blocking like the
    /// rest of this transport; if the socket turns out non-blocking, waits for it to become writable.</summary>
    protected override ValueTask SendRangeCoreAsync(string path, long offset, long length)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var socketRef = false;
        var fileRef = false;
        try
        {
            Socket.SafeHandle.DangerousAddRef(ref socketRef);
            file.DangerousAddRef(ref fileRef);
            var socketFd = (int)Socket.SafeHandle.DangerousGetHandle();
            var fileFd = (int)file.DangerousGetHandle();
            var position = offset;
            var left = length;
            while (left > 0)
            {
                var sent = SendFileSyscall.SendFile(socketFd, fileFd, ref position, (nuint)Math.Min(left, 1L << 30));
                if (sent > 0)
                {
                    left -= sent;
                    continue;
                }
                if (sent == 0)
                {
                    throw new IOException($"'{path}' ended before the {length} bytes announced.");
                }
                var errno = Marshal.GetLastPInvokeError();
                if (errno == SendFileSyscall.EAGAIN)
                {
                    Socket.Poll(-1, SelectMode.SelectWrite);
                }
                else if (errno != SendFileSyscall.EINTR)
                {
                    throw new IOException($"sendfile(2) failed with errno {errno}.");
                }
            }
        }
        finally
        {
            if (fileRef)
            {
                file.DangerousRelease();
            }
            if (socketRef)
            {
                Socket.SafeHandle.DangerousRelease();
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    protected override ValueTask<int> ReadFileAsync(SafeFileHandle file, Memory<byte> buffer, long position)
        => ValueTask.FromResult(RandomAccess.Read(file, buffer.Span, position));
}
