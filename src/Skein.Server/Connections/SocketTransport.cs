// What both socket transports share: the input buffer (grown, compacted and parsed in place) and the
// output buffer. Subclasses supply only the waiting: a blocking thread or an async completion.
using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Skein.Server.Connections;

/// <summary>The buffer management of a socket <see cref="ITransport"/>; see <see cref="BlockingSocketTransport"/>
/// and <see cref="AsyncSocketTransport"/>.</summary>
public abstract class SocketTransport : ITransport
{
    /// <summary>First size of the input buffer: a typical browser request head fits.</summary>
    protected const int InitialInputSize = 4096;

    /// <summary>Pieces in which file ranges and streams are copied: bounded memory per connection.</summary>
    protected const int CopyChunkSize = 64 * 1024;

    // Lingering close (nginx lingering_close): read and discard for at most this long, this much.
    private static readonly TimeSpan LingerTime = TimeSpan.FromSeconds(2);
    private const int LingerBytes = 1024 * 1024;

    private readonly int _maxInput;
    private readonly OutputBuffer _output = new();
    private byte[] _input = [];
    private int _start;
    private int _end;
    private bool _disposed;

    /// <summary>Wraps <paramref name="socket"/>; the input buffer never grows past <paramref name="maxInputBytes"/>.</summary>
    protected SocketTransport(Socket socket, int maxInputBytes)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Socket = socket;
        _maxInput = Math.Max(maxInputBytes, InitialInputSize);
        RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint;
    }

    /// <summary>The connected socket.</summary>
    protected Socket Socket { get; }

    /// <inheritdoc/>
    public IPEndPoint? RemoteEndPoint { get; }

    /// <inheritdoc/>
    public ReadOnlySequence<byte> Received => new(_input, _start, _end - _start);

    /// <inheritdoc/>
    public bool IsInputFull => _start == 0 && _end >= _maxInput;

    /// <inheritdoc/>
    public IBufferWriter<byte> Output => _output;

    /// <inheritdoc/>
    public int PendingOutput => _output.WrittenCount;

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
    public async ValueTask<bool> ReceiveAsync(TimeSpan timeout)
    {
        var space = PrepareInput();
        var received = await ReceiveCoreAsync(space, timeout);
        if (received == 0)
        {
            return false;
        }
        _end += received;
        return true;
    }

    /// <inheritdoc/>
    public async ValueTask FlushAsync()
    {
        if (_output.WrittenCount == 0)
        {
            return;
        }
        try
        {
            await SendCoreAsync(_output.WrittenMemory);
        }
        finally
        {
            _output.Reset();
        }
    }

    /// <inheritdoc/>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        await FlushAsync();
        if (!data.IsEmpty)
        {
            await SendCoreAsync(data);
        }
    }

    /// <inheritdoc/>
    public async ValueTask SendFileAsync(string path, long offset, long length)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (offset == 0 && length > 0 && new FileInfo(path).Length == length)
        {
            try
            {
                await SendWholeFileCoreAsync(path, _output.WrittenMemory);
            }
            finally
            {
                _output.Reset();
            }
            return;
        }
        await FlushAsync();
        await SendRangeCoreAsync(path, offset, length);
    }

    /// <summary>Sends part of a file (the pending output is already sent). This default copies it in
    /// bounded pieces (Socket's sendfile takes whole files only); a transport may do better.</summary>
    protected virtual async ValueTask SendRangeCoreAsync(string path, long offset, long length)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(CopyChunkSize, Math.Max(length, 1)));
        try
        {
            var position = offset;
            var end = offset + length;
            while (position < end)
            {
                var read = await ReadFileAsync(file, buffer.AsMemory(0, (int)Math.Min(buffer.Length, end - position)), position);
                if (read == 0)
                {
                    throw new IOException($"'{path}' ended at {position}, before the {length} bytes announced.");
                }
                await SendCoreAsync(buffer.AsMemory(0, read));
                position += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc/>
    public async ValueTask CloseAsync(bool linger)
    {
        _output.Reset();
        try
        {
            Socket.Shutdown(SocketShutdown.Send);
            if (linger)
            {
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
        Socket.Dispose();
        _output.Dispose();
        if (_input.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_input);
            _input = [];
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what a subclass holds besides the socket.</summary>
    protected virtual void DisposeCore()
    {
    }

    /// <summary>Receives into <paramref name="buffer"/>; 0 at end of input; <see cref="TimeoutException"/> on timeout.</summary>
    protected abstract ValueTask<int> ReceiveCoreAsync(Memory<byte> buffer, TimeSpan timeout);

    /// <summary>Sends all of <paramref name="data"/>.</summary>
    protected abstract ValueTask SendCoreAsync(ReadOnlyMemory<byte> data);

    /// <summary>Sends <paramref name="preBuffer"/> then the whole file, zero-copy.</summary>
    protected abstract ValueTask SendWholeFileCoreAsync(string path, ReadOnlyMemory<byte> preBuffer);

    /// <summary>Reads from a file at <paramref name="position"/>.</summary>
    protected abstract ValueTask<int> ReadFileAsync(Microsoft.Win32.SafeHandles.SafeFileHandle file, Memory<byte> buffer, long position);

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
            var read = await ReceiveCoreAsync(PrepareInput(), TimeSpan.FromMilliseconds(left));
            if (read <= 0)
            {
                return;
            }
            total += read;
        }
    }

    private Memory<byte> PrepareInput()
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
