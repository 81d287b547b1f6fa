// Decodes the chunked transfer coding of a request body (RFC 9112 §7.1): chunk-size lines (extensions
// accepted and skipped), chunk data handed out as slices of the input, the CRLF after each chunk, and the
// trailer section (accepted, checked for shape, and skipped). It is a byte-level state machine, so input
// split anywhere decodes the same and each byte is looked at once. It does not copy data or touch a socket.
using System.Buffers;

namespace Skein.Http.Parsing;

internal struct ChunkedDecoder
{
    private enum State : byte
    {
        SizeStart,      // expecting the first hex digit of a chunk size
        Size,           // more hex digits, or the end of the size
        Extension,      // after ';' or BWS: skip to CR
        SizeLf,         // CR seen; LF must follow
        Data,           // _remaining bytes of chunk data
        DataCr,         // CR after chunk data
        DataLf,         // LF after chunk data
        TrailerStart,   // start of a trailer line, or the final CRLF
        TrailerName,    // field name of a trailer line
        TrailerValue,   // field value, up to CR
        TrailerLf,      // CR of a trailer line seen
        EndLf,          // CR of the final empty line seen
        Done,
    }

    private State _state;
    private long _remaining;
    private long _total;
    private int _lineBytes;

    /// <summary>Starts a new body.</summary>
    public void Reset() => this = default;

    /// <summary>True once the last chunk and the trailer section have been read.</summary>
    public readonly bool IsDone => _state == State.Done;

    /// <summary>Consumes framing from <paramref name="input"/> until chunk data is available (returned in
    /// <paramref name="data"/> and consumed), the body ends, or the input runs out.</summary>
    public BodyReadStatus Read(ref SequenceReader<byte> input, out ReadOnlySequence<byte> data, HttpLimits limits)
    {
        data = default;
        while (true)
        {
            if (_state == State.Done)
            {
                return BodyReadStatus.End;
            }
            if (input.End)
            {
                return BodyReadStatus.NeedMoreData;
            }
            if (_state == State.Data)
            {
                var take = Math.Min(_remaining, input.Remaining);
                data = input.Sequence.Slice(input.Position, take);
                input.Advance(take);
                _remaining -= take;
                if (_remaining == 0)
                {
                    _state = State.DataCr;
                }
                return BodyReadStatus.Data;
            }
            if (_state == State.Extension)
            {
                SkipExtension(ref input, limits);
                continue;
            }
            input.TryRead(out var b);
            Step(b, limits);
        }
    }

    private void Step(byte b, HttpLimits limits)
    {
        switch (_state)
        {
            case State.SizeStart:
            case State.Size:
                var digit = HttpCharacters.HexValue(b);
                if (digit >= 0)
                {
                    // chunk-size = 1*HEXDIG (RFC 9112 §7.1); a size that overflows 63 bits is malformed.
                    if (_remaining > (long.MaxValue - digit) / 16)
                    {
                        throw new HttpProtocolException(RejectReason.InvalidChunk, "chunk size overflows");
                    }
                    _remaining = (_remaining * 16) + digit;
                    _state = State.Size;
                    CountLineByte(limits);
                    return;
                }
                if (_state == State.SizeStart)
                {
                    throw new HttpProtocolException(RejectReason.InvalidChunk, "chunk size is not hex");
                }
                if (b == HttpCharacters.Cr)
                {
                    _state = State.SizeLf;
                    return;
                }
                // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ): whitespace
                // or ';' after the size starts the extensions, which are skipped to the CR.
                if (b == (byte)';' || HttpCharacters.IsWhitespace(b))
                {
                    _state = State.Extension;
                    CountLineByte(limits);
                    return;
                }
                throw new HttpProtocolException(RejectReason.InvalidChunk, "chunk size is not hex");
            case State.SizeLf:
                ExpectLf(b, RejectReason.InvalidChunk);
                _lineBytes = 0;
                if (_remaining == 0)
                {
                    _state = State.TrailerStart;
                    return;
                }
                // The sum of chunk sizes is the body size the limit bounds (checked without overflow).
                if (_remaining > limits.MaxBodyBytes - _total)
                {
                    throw new HttpProtocolException(RejectReason.BodyTooLarge);
                }
                _total += _remaining;
                _state = State.Data;
                return;
            case State.DataCr:
                if (b != HttpCharacters.Cr)
                {
                    throw new HttpProtocolException(RejectReason.InvalidChunk, "chunk data not followed by CRLF");
                }
                _state = State.DataLf;
                return;
            case State.DataLf:
                ExpectLf(b, RejectReason.InvalidChunk);
                _remaining = 0;
                _state = State.SizeStart;
                return;
            case State.TrailerStart:
                if (b == HttpCharacters.Cr)
                {
                    _state = State.EndLf;
                    return;
                }
                // A trailer line is a field line (RFC 9112 §7.1.2); obs-fold and empty names are malformed.
                if (!HttpCharacters.Token.Contains(b))
                {
                    throw new HttpProtocolException(RejectReason.InvalidTrailer);
                }
                CountLineByte(limits);
                _state = State.TrailerName;
                return;
            case State.TrailerName:
                CountLineByte(limits);
                if (b == HttpCharacters.Colon)
                {
                    _state = State.TrailerValue;
                }
                else if (!HttpCharacters.Token.Contains(b))
                {
                    throw new HttpProtocolException(RejectReason.InvalidTrailer);
                }
                return;
            case State.TrailerValue:
                CountLineByte(limits);
                if (b == HttpCharacters.Cr)
                {
                    _state = State.TrailerLf;
                }
                else if (HttpCharacters.InvalidInFieldValue.Contains(b))
                {
                    throw new HttpProtocolException(RejectReason.InvalidTrailer, "control character in a trailer");
                }
                return;
            case State.TrailerLf:
                ExpectLf(b, RejectReason.InvalidTrailer);
                _state = State.TrailerStart;
                return;
            case State.EndLf:
                ExpectLf(b, RejectReason.InvalidChunk);
                _state = State.Done;
                return;
        }
    }

    private void SkipExtension(ref SequenceReader<byte> input, HttpLimits limits)
    {
        // Extensions are skipped whole: find the CR (any other control is malformed), counting the bytes
        // against the chunk-line limit so a client cannot stream an endless extension.
        var span = input.UnreadSpan;
        var budget = limits.MaxChunkLineBytes - _lineBytes;
        var window = span.Length > budget ? span[..budget] : span;
        var control = window.IndexOfAny(HttpCharacters.InvalidInFieldValue);
        if (control < 0)
        {
            input.Advance(window.Length);
            _lineBytes += window.Length;
            if (_lineBytes >= limits.MaxChunkLineBytes)
            {
                throw new HttpProtocolException(RejectReason.InvalidChunk, "chunk extensions too long");
            }
            return;
        }
        if (window[control] != HttpCharacters.Cr)
        {
            throw new HttpProtocolException(RejectReason.InvalidChunk, "control character in a chunk extension");
        }
        input.Advance(control + 1);
        _lineBytes += control + 1;
        _state = State.SizeLf;
    }

    private void CountLineByte(HttpLimits limits)
    {
        // The same limit bounds one chunk-size line and the whole trailer section.
        if (++_lineBytes > limits.MaxChunkLineBytes)
        {
            throw _state is State.Size or State.SizeStart or State.Extension
                ? new HttpProtocolException(RejectReason.InvalidChunk, "chunk-size line too long")
                : new HttpProtocolException(RejectReason.HeadersTooLarge, "trailer section too large");
        }
    }

    private static void ExpectLf(byte b, RejectReason reason)
    {
        // A CR not followed by LF is a bare CR (RFC 9112 §2.2).
        if (b != HttpCharacters.Lf)
        {
            throw new HttpProtocolException(reason, "CR not followed by LF");
        }
    }
}
