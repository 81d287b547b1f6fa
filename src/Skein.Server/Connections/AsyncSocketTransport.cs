// The transport of the event-loop models: Socket.ReceiveAsync/SendAsync (SocketAsyncEventArgs under the
// hood, completed by the runtime's epoll thread). Awaits resume on the caller's SynchronizationContext,
// which on an event loop is the loop itself. It never uses ConfigureAwait(false) for that reason.
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;

namespace Skein.Server.Connections;

/// <summary>Asynchronous socket I/O; receive timeouts by a per-connection cancellation source.</summary>
public sealed class AsyncSocketTransport(Socket socket, int maxInputBytes) : SocketTransport(socket, maxInputBytes)
{
    private CancellationTokenSource? _timeout;

    /// <inheritdoc/>
    protected override async ValueTask<int> ReceiveCoreAsync(Memory<byte> buffer, TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return await Socket.ReceiveAsync(buffer, SocketFlags.None);
        }
        // One source per connection, re-armed per receive; replaced only after it actually fired.
        if (_timeout is null || !_timeout.TryReset())
        {
            _timeout?.Dispose();
            _timeout = new CancellationTokenSource();
        }
        _timeout.CancelAfter(timeout);
        try
        {
            return await Socket.ReceiveAsync(buffer, SocketFlags.None, _timeout.Token);
        }
        catch (OperationCanceledException) when (_timeout.IsCancellationRequested)
        {
            throw new TimeoutException();
        }
        finally
        {
            _timeout.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    /// <inheritdoc/>
    protected override void DisposeCore() => _timeout?.Dispose();

    /// <inheritdoc/>
    protected override async ValueTask SendCoreAsync(ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            var sent = await Socket.SendAsync(data, SocketFlags.None);
            data = data[sent..];
        }
    }

    /// <inheritdoc/>
    protected override ValueTask SendWholeFileCoreAsync(string path, ReadOnlyMemory<byte> preBuffer)
        => Socket.SendFileAsync(path, preBuffer, ReadOnlyMemory<byte>.Empty, TransmitFileOptions.UseDefaultWorkerThread);

    /// <inheritdoc/>
    protected override ValueTask<int> ReadFileAsync(SafeFileHandle file, Memory<byte> buffer, long position)
        => RandomAccess.ReadAsync(file, buffer, position);
}
