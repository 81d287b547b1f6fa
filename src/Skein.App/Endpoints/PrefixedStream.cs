// A read-only stream: some bytes already read (in a pooled buffer) followed by the rest of another stream.
// Used by /echo to give back what it read before answering. It does not own the inner stream.
using System.Buffers;

namespace Skein.App.Endpoints;

/// <summary>Reads <c>buffer[0..count]</c>, then <paramref name="rest"/>. Disposing returns the buffer to the
/// shared pool and leaves <paramref name="rest"/> open (the server owns the request body).</summary>
internal sealed class PrefixedStream(byte[] buffer, int count, Stream rest) : Stream
{
    private byte[]? _buffer = buffer;
    private int _offset;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        if (TakePrefix(destination) is var taken and > 0)
        {
            return taken;
        }
        return rest.Read(destination);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (TakePrefix(destination.Span) is var taken and > 0)
        {
            return ValueTask.FromResult(taken);
        }
        return rest.ReadAsync(destination, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
        base.Dispose(disposing);
    }

    private int TakePrefix(Span<byte> destination)
    {
        if (_buffer is null || _offset >= count || destination.IsEmpty)
        {
            return 0;
        }
        var taken = Math.Min(count - _offset, destination.Length);
        _buffer.AsSpan(_offset, taken).CopyTo(destination);
        _offset += taken;
        return taken;
    }
}
