// HttpResponseParser: the client side of HTTP/1.1 framing, lean enough for a load generator: status line,
// Content-Length, chunked, read-until-close, Connection/keep-alive, 1xx interim responses skipped. It keeps
// nothing but counters (no strings, no allocation) and never touches a socket. It is not a validating
// parser: it reads what a load generator needs to find the end of a response and whether the connection
// stays open, and calls anything else it cannot frame Invalid.
using System.Buffers.Text;
using System.Text;

namespace Skein.Bench.Http;

/// <summary>Outcome of one <see cref="HttpResponseParser.Parse"/> call.</summary>
public enum ResponseParseStatus
{
    /// <summary>The response is not complete; keep the unconsumed bytes and call again with more.</summary>
    NeedMoreData,

    /// <summary>One whole response has been consumed.</summary>
    Complete,

    /// <summary>The bytes are not an HTTP/1.x response this parser can frame.</summary>
    Invalid,
}

/// <summary>Incremental parser for one HTTP/1.x response at a time; reuse it with <see cref="Reset"/>.</summary>
public sealed class HttpResponseParser
{
    private enum State { Head, FixedBody, ChunkSize, ChunkData, ChunkDataEnd, Trailers, UntilClose, Done }

    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    private State _state;
    private long _remaining;
    private int _scanned;
    private bool _noBodyExpected;

    /// <summary>Status code of the response being parsed (valid once the head is parsed).</summary>
    public int StatusCode { get; private set; }

    /// <summary>Whether the connection may carry another request after this response (RFC 9112 §9.3).</summary>
    public bool KeepAlive { get; private set; }

    /// <summary>Whether the body is chunked (RFC 9112 §7.1); valid once the head is parsed.</summary>
    public bool Chunked { get; private set; }

    /// <summary>Whether the head has been parsed (the server has started answering).</summary>
    public bool HeadParsed => _state is not State.Head;

    /// <summary>Whether the response is complete.</summary>
    public bool IsComplete => _state is State.Done;

    /// <summary>Prepares for the next response; <paramref name="headRequest"/> means the response has no body.</summary>
    public void Reset(bool headRequest = false)
    {
        _state = State.Head;
        _remaining = 0;
        _scanned = 0;
        _noBodyExpected = headRequest;
        StatusCode = 0;
        KeepAlive = false;
        Chunked = false;
    }

    /// <summary>
    /// Consumes as much of <paramref name="data"/> as belongs to the current response. Bytes of an
    /// incomplete line (head, chunk size, trailer) are left unconsumed: the caller keeps them at the start
    /// of its buffer, appends what arrives next and calls again.
    /// </summary>
    public ResponseParseStatus Parse(ReadOnlySpan<byte> data, out int consumed)
    {
        consumed = 0;
        while (true)
        {
            var rest = data[consumed..];
            switch (_state)
            {
                case State.Head:
                {
                    // Resume the search where the last call stopped (minus 3 bytes a split CRLFCRLF may
                    // straddle), so a head trickling in costs O(n) rather than O(n^2).
                    int from = Math.Max(0, _scanned - 3);
                    int end = rest[from..].IndexOf(HeadEnd);
                    if (end < 0)
                    {
                        _scanned = rest.Length;
                        return ResponseParseStatus.NeedMoreData;
                    }
                    int headLength = from + end + HeadEnd.Length;
                    _scanned = 0;
                    if (!ParseHead(rest[..headLength]))
                    {
                        return ResponseParseStatus.Invalid;
                    }
                    consumed += headLength;
                    break;
                }
                case State.FixedBody:
                    if (!Skip(rest, ref consumed, State.Done))
                    {
                        return ResponseParseStatus.NeedMoreData;
                    }
                    break;
                case State.ChunkSize:
                {
                    // RFC 9112 §7.1: chunk-size [ chunk-ext ] CRLF.
                    int lf = rest.IndexOf((byte)'\n');
                    if (lf < 0)
                    {
                        return rest.Length > 1024 ? ResponseParseStatus.Invalid : ResponseParseStatus.NeedMoreData;
                    }
                    var line = rest[..lf];
                    int stop = line.IndexOfAny((byte)';', (byte)'\r');
                    var digits = stop < 0 ? line : line[..stop];
                    digits = digits.TrimEnd((byte)' ');
                    if (digits.Length is 0 or > 15 || !Utf8Parser.TryParse(digits, out long size, out int used, 'x') || used != digits.Length)
                    {
                        return ResponseParseStatus.Invalid;
                    }
                    consumed += lf + 1;
                    if (size == 0)
                    {
                        _state = State.Trailers;
                    }
                    else
                    {
                        _remaining = size;
                        _state = State.ChunkData;
                    }
                    break;
                }
                case State.ChunkData:
                    if (!Skip(rest, ref consumed, State.ChunkDataEnd))
                    {
                        return ResponseParseStatus.NeedMoreData;
                    }
                    break;
                case State.ChunkDataEnd:
                {
                    if (rest.Length < 2)
                    {
                        return ResponseParseStatus.NeedMoreData;
                    }
                    if (rest[0] != '\r' || rest[1] != '\n')
                    {
                        return ResponseParseStatus.Invalid;
                    }
                    consumed += 2;
                    _state = State.ChunkSize;
                    break;
                }
                case State.Trailers:
                {
                    // RFC 9112 §7.1.2: trailer fields, then the empty line that ends the message.
                    int lf = rest.IndexOf((byte)'\n');
                    if (lf < 0)
                    {
                        return rest.Length > 8192 ? ResponseParseStatus.Invalid : ResponseParseStatus.NeedMoreData;
                    }
                    consumed += lf + 1;
                    if (lf == 0 || (lf == 1 && rest[0] == '\r'))
                    {
                        _state = State.Done;
                    }
                    break;
                }
                case State.UntilClose:
                    consumed += rest.Length;
                    return ResponseParseStatus.NeedMoreData;
                case State.Done:
                    return ResponseParseStatus.Complete;
            }
        }
    }

    /// <summary>Counts body bytes off (a load generator does not keep them); moves to <paramref name="next"/>
    /// once the remaining count reaches zero, and says whether it did.</summary>
    private bool Skip(ReadOnlySpan<byte> rest, ref int consumed, State next)
    {
        int take = (int)Math.Min(_remaining, rest.Length);
        consumed += take;
        _remaining -= take;
        if (_remaining > 0)
        {
            return false;
        }
        _state = next;
        return true;
    }

    /// <summary>
    /// Tells the parser the server closed the connection; returns whether that completes the response
    /// (true only for a body delimited by the close, RFC 9112 §6.3 rule 8).
    /// </summary>
    public bool OnEndOfStream()
    {
        if (_state is State.UntilClose)
        {
            _state = State.Done;
            return true;
        }
        return _state is State.Done;
    }

    private bool ParseHead(ReadOnlySpan<byte> head)
    {
        // Status line: HTTP/1.x SP 3DIGIT SP reason CRLF (RFC 9112 §4).
        int lineEnd = head.IndexOf("\r\n"u8);
        var statusLine = head[..lineEnd];
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != ' ')
        {
            return false;
        }
        bool http11 = statusLine[7] == '1';
        if (!Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out int used) || used != 3 || status < 100)
        {
            return false;
        }
        StatusCode = status;

        long contentLength = -1;
        bool chunked = false;
        bool close = false;
        bool keepAliveToken = false;
        var fields = head[(lineEnd + 2)..];
        while (fields.Length > 2)
        {
            int end = fields.IndexOf("\r\n"u8);
            var line = fields[..end];
            fields = fields[(end + 2)..];
            int colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                return false;
            }
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ').Trim((byte)'\t');
            if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long length, out int lengthUsed) || lengthUsed != value.Length || length < 0)
                {
                    return false;
                }
                contentLength = length;
            }
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                // RFC 9112 §6.3 rule 4: chunked framing when chunked is the final coding.
                chunked = value.Length >= 7 && Ascii.EqualsIgnoreCase(value[^7..], "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
            {
                close |= ContainsToken(value, "close"u8);
                keepAliveToken |= ContainsToken(value, "keep-alive"u8);
            }
        }

        // 1xx interim responses (RFC 9110 §15.2) are followed by the real one; 101 is not expected here.
        if (status is >= 100 and < 200 && status != 101)
        {
            _state = State.Head;
            return true;
        }

        KeepAlive = !close && (http11 || keepAliveToken);

        // RFC 9112 §6.3: no body after HEAD, 1xx, 204, 304; then chunked; then Content-Length; else until close.
        if (_noBodyExpected || status is 204 or 304)
        {
            _state = State.Done;
        }
        else if (chunked)
        {
            Chunked = true;
            _state = State.ChunkSize;
        }
        else if (contentLength >= 0)
        {
            _remaining = contentLength;
            _state = contentLength == 0 ? State.Done : State.FixedBody;
        }
        else
        {
            KeepAlive = false;
            _state = State.UntilClose;
        }
        return true;
    }

    private static bool ContainsToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (var range in value.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(value[range].Trim((byte)' '), token))
            {
                return true;
            }
        }
        return false;
    }
}
