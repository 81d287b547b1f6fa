// A small buffered writer over an IBufferWriter<byte> for building a response head in few GetSpan/Advance
// calls (the pattern of Kestrel's BufferWriter<T>). It formats ASCII numbers and Latin-1 strings without
// allocating; it knows nothing of HTTP.
using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Skein.Http.Writing;

internal ref struct OutputWriter
{
    private const int MinimumSpan = 256;

    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _buffered;

    public OutputWriter(IBufferWriter<byte> output)
    {
        _output = output;
        _span = output.GetSpan(MinimumSpan);
    }

    /// <summary>Copies <paramref name="bytes"/>.</summary>
    public void Write(scoped ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            if (_span.Length - _buffered == 0)
            {
                Grow(Math.Min(bytes.Length, 4096));
            }
            var room = Math.Min(bytes.Length, _span.Length - _buffered);
            bytes[..room].CopyTo(_span[_buffered..]);
            _buffered += room;
            bytes = bytes[room..];
        }
    }

    /// <summary>Writes <paramref name="text"/> as Latin-1 (characters above U+00FF become '?').</summary>
    public void WriteLatin1(string text)
    {
        Ensure(text.Length);
        _buffered += Encoding.Latin1.GetBytes(text, _span[_buffered..]);
    }

    /// <summary>Writes a non-negative decimal number.</summary>
    public void WriteDecimal(long value)
    {
        Ensure(20);
        Utf8Formatter.TryFormat(value, _span[_buffered..], out var written);
        _buffered += written;
    }

    /// <summary>Writes a non-negative number in lower-case hex, without leading zeros.</summary>
    public void WriteHex(long value)
    {
        Ensure(16);
        Utf8Formatter.TryFormat(value, _span[_buffered..], out var written, new StandardFormat('x'));
        _buffered += written;
    }

    /// <summary>Advances the underlying writer past everything written.</summary>
    public void Commit()
    {
        if (_buffered > 0)
        {
            _output.Advance(_buffered);
            _buffered = 0;
        }
        _span = default;
    }

    private void Ensure(int bytes)
    {
        if (_span.Length - _buffered < bytes)
        {
            Grow(bytes);
        }
    }

    private void Grow(int bytes)
    {
        if (_buffered > 0)
        {
            _output.Advance(_buffered);
            _buffered = 0;
        }
        _span = _output.GetSpan(Math.Max(bytes, MinimumSpan));
    }
}
