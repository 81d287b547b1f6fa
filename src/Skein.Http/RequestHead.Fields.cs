// The storage half of RequestHead: the bytes of the head are copied once into a buffer this object owns
// (rented from the shared pool, kept across requests), and every element is an (offset, length) pair into
// it. The parser fills it through the internal members; users read it through the public spans.
using System.Buffers;
using System.Text;

namespace Skein.Http;

public sealed partial class RequestHead : IDisposable
{
    // The stored head starts at 256 bytes and doubles (a pooled buffer, kept across the connection's requests):
    // a load tool's or a long-poll client's head (40-100 bytes) fits, a browser's (400-700) grows twice, once
    // per connection. The buffer lives as long as the connection, so its first size is what each of ten
    // thousand parked long-polls holds (1,024 bytes before: docs/performance.md, memory per waiter).
    private const int InitialBytes = 256;

    private byte[] _bytes = [];
    private int _length;
    private Range _target;
    private Range _path;
    private Range _query;
    private bool _hasQuery;
    private Range _host;
    private HeaderEntry[] _headers = new HeaderEntry[8]; // doubles for a browser's 10-15 fields, once per connection
    private int _headerCount;

    private readonly record struct Range(int Start, int Length);

    private readonly record struct HeaderEntry(Range Name, Range Value);

    /// <summary>The request-target exactly as sent.</summary>
    public ReadOnlySpan<byte> Target => Slice(_target);

    /// <summary>The path of the target without its dot segments (RFC 3986 §5.2.4: "/a/../b" is "/b"), otherwise
    /// still percent-encoded as sent (for absolute-form, the path after the authority, "/" when empty; for
    /// asterisk-form, "*"; for authority-form, empty). <see cref="Target"/> keeps the bytes as sent.</summary>
    public ReadOnlySpan<byte> Path => Slice(_path);

    /// <summary>The query after '?', without the '?'; empty when there is none.</summary>
    public ReadOnlySpan<byte> Query => Slice(_query);

    /// <summary>True when the target has a '?'.</summary>
    public bool HasQuery => _hasQuery;

    /// <summary>The Host field value (or the authority of an absolute-form target, RFC 9112 §3.2.2).</summary>
    public ReadOnlySpan<byte> Host => Slice(_host);

    /// <summary>Number of header fields, in the order received.</summary>
    public int HeaderCount => _headerCount;

    /// <summary>The name of field <paramref name="index"/>, as sent (case preserved).</summary>
    public ReadOnlySpan<byte> GetHeaderName(int index) => Slice(Entry(index).Name);

    /// <summary>The value of field <paramref name="index"/>, without surrounding whitespace.</summary>
    public ReadOnlySpan<byte> GetHeaderValue(int index) => Slice(Entry(index).Value);

    /// <summary>Finds the first field named <paramref name="name"/> (ASCII, case-insensitive).</summary>
    public bool TryGetHeader(ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        for (var i = 0; i < _headerCount; i++)
        {
            if (Ascii.EqualsIgnoreCase(Slice(_headers[i].Name), name))
            {
                value = Slice(_headers[i].Value);
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>Finds the first field named <paramref name="name"/> and returns its value as a string, or null.</summary>
    public string? GetHeaderString(string name)
    {
        Span<byte> ascii = stackalloc byte[256];
        if (name.Length > ascii.Length || Ascii.FromUtf16(name, ascii, out var written) != OperationStatus.Done)
        {
            return null;
        }
        return TryGetHeader(ascii[..written], out var value) ? Encoding.Latin1.GetString(value) : null;
    }

    /// <summary>Returns the pooled buffer. The head is unusable afterwards.</summary>
    public void Dispose()
    {
        if (_bytes.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = [];
        }
        Clear();
    }

    // ---- for the parser -------------------------------------------------------------------------------

    /// <summary>Forgets the previous request; keeps the buffers.</summary>
    internal void Clear()
    {
        _length = 0;
        _target = _path = _query = _host = default;
        _hasQuery = false;
        _headerCount = 0;
        Method = default;
        Version = default;
        TargetForm = default;
        BodyFraming = BodyFraming.None;
        ContentLength = -1;
        KeepAliveRequested = false;
        ExpectContinue = false;
    }

    /// <summary>Copies <paramref name="bytes"/> to the end of the stored head and returns their offset.</summary>
    internal int Append(ReadOnlySpan<byte> bytes)
    {
        EnsureCapacity(_length + bytes.Length);
        var offset = _length;
        bytes.CopyTo(_bytes.AsSpan(offset));
        _length += bytes.Length;
        return offset;
    }

    /// <summary>Adds <paramref name="length"/> bytes to the end of the stored head for the parser to fill, and
    /// returns their offset. May move the storage: take spans of earlier bytes again afterwards.</summary>
    internal int Reserve(int length)
    {
        var offset = _length;
        EnsureCapacity(_length + length);
        _length += length;
        return offset;
    }

    /// <summary>Gives back the stored bytes from <paramref name="length"/> on (the unused end of a <see cref="Reserve"/>).</summary>
    internal void Truncate(int length) => _length = length;

    /// <summary>The stored bytes from <paramref name="offset"/>, for the parser to write into what it reserved.</summary>
    internal Span<byte> Writable(int offset, int length) => _bytes.AsSpan(offset, length);

    /// <summary>How many bytes are stored: the offset the next <see cref="Append"/> will return.</summary>
    internal int StoredLength => _length;

    /// <summary>The stored bytes from <paramref name="offset"/>, for the parser to inspect what it appended.</summary>
    internal ReadOnlySpan<byte> Stored(int offset, int length) => _bytes.AsSpan(offset, length);

    internal void SetTarget(int start, int length) => _target = new(start, length);

    internal void SetPath(int start, int length) => _path = new(start, length);

    internal void SetQuery(int start, int length)
    {
        _query = new(start, length);
        _hasQuery = true;
    }

    internal void SetHost(int start, int length) => _host = new(start, length);

    internal void AddHeader(int nameStart, int nameLength, int valueStart, int valueLength)
    {
        if (_headerCount == _headers.Length)
        {
            Array.Resize(ref _headers, _headers.Length * 2);
        }
        _headers[_headerCount++] = new(new(nameStart, nameLength), new(valueStart, valueLength));
    }

    private void EnsureCapacity(int capacity)
    {
        if (capacity <= _bytes.Length)
        {
            return;
        }
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, Math.Max(InitialBytes, _bytes.Length * 2)));
        _bytes.AsSpan(0, _length).CopyTo(larger);
        if (_bytes.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_bytes);
        }
        _bytes = larger;
    }

    private ref readonly HeaderEntry Entry(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_headerCount, nameof(index));
        return ref _headers[index];
    }

    private ReadOnlySpan<byte> Slice(Range range) => _bytes.AsSpan(range.Start, range.Length);
}
