// A growable IBufferWriter<byte> over one pooled array, for response heads and small bodies. Not a pipe:
// it has no reader side; the transport sends WrittenMemory and resets it. The array goes back to the pool
// on every reset, so an idle connection holds no output memory.
using System.Buffers;

namespace Skein.Server.Connections;

/// <summary>A pooled, growable buffer writer; <see cref="Reset"/> returns the array to the pool.</summary>
public sealed class OutputBuffer : IBufferWriter<byte>, IDisposable
{
    private const int MinimumSize = 4096;
    private byte[] _buffer = [];
    private int _written;

    /// <summary>Bytes written since the last reset.</summary>
    public int WrittenCount => _written;

    /// <summary>The written bytes.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    /// <inheritdoc/>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _written);
        _written += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Forgets the written bytes and returns the array to the pool.</summary>
    public void Reset()
    {
        _written = 0;
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    /// <summary>Same as <see cref="Reset"/>.</summary>
    public void Dispose() => Reset();

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed)
        {
            return;
        }
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(MinimumSize, Math.Max(_written + needed, _buffer.Length * 2)));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = larger;
    }
}
