// The header fields that decide how a request is framed and whether its connection stays open (Host,
// Content-Length, Transfer-Encoding, Connection, Expect), gathered field by field and turned into the
// head's framing once the section ends. It applies RFC 9112 §6.3 (request smuggling) and §9.3 (persistence);
// it does not parse lines or store fields.
using System.Text;

namespace Skein.Http.Parsing;

internal struct RequestFields
{
    private int _hostCount;
    private int _hostStart;
    private int _hostLength;
    private long _contentLength;
    private bool _hasContentLength;
    private bool _hasTransferEncoding;
    private bool _chunkedSeen;
    private bool _chunkedLast;
    private bool _chunkedRepeated;
    private bool _unknownCoding;
    private bool _close;
    private bool _keepAlive;
    private bool _expectContinue;

    /// <summary>Looks at one field as it is parsed.</summary>
    public void Observe(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, int valueStart)
    {
        switch (name.Length)
        {
            case 4 when Ascii.EqualsIgnoreCase(name, "Host"u8):
                ObserveHost(value, valueStart);
                break;
            case 14 when Ascii.EqualsIgnoreCase(name, "Content-Length"u8):
                ObserveContentLength(value);
                break;
            case 17 when Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8):
                ObserveTransferEncoding(value);
                break;
            case 10 when Ascii.EqualsIgnoreCase(name, "Connection"u8):
                ObserveConnection(value);
                break;
            case 6 when Ascii.EqualsIgnoreCase(name, "Expect"u8):
                // RFC 9110 §10.1.1: the only expectation is 100-continue (case-insensitive); others are ignored.
                _expectContinue |= Ascii.EqualsIgnoreCase(value, "100-continue"u8);
                break;
        }
    }

    /// <summary>The header section is complete: checks the combination and sets framing, Host,
    /// keep-alive and Expect on <paramref name="head"/>.</summary>
    public readonly void Complete(RequestHead head, HttpLimits limits)
    {
        var http11 = head.Version == ProtocolVersion.Http11;

        // RFC 9112 §3.2: "A server MUST respond with a 400 ... to any HTTP/1.1 request message that lacks a
        // Host header field". (More than one was refused as it arrived.)
        if (http11 && _hostCount == 0)
        {
            throw new HttpProtocolException(RejectReason.MissingHost);
        }
        // RFC 9112 §3.2.2: with an absolute-form target the Host field is ignored in favour of the authority.
        if (_hostCount == 1 && head.TargetForm is TargetForm.Origin or TargetForm.Asterisk)
        {
            head.SetHost(_hostStart, _hostLength);
        }

        if (_hasTransferEncoding)
        {
            // RFC 9112 §6.3 item 3 / §6.1: both fields is how requests are smuggled; refuse and close.
            if (_hasContentLength)
            {
                throw new HttpProtocolException(RejectReason.ContentLengthWithTransferEncoding);
            }
            // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means the framing is faulty; treat as error.
            if (!http11)
            {
                throw new HttpProtocolException(RejectReason.TransferEncodingInHttp10);
            }
            // RFC 9112 §6.1: a coding the server does not understand SHOULD be 501.
            if (_unknownCoding)
            {
                throw new HttpProtocolException(RejectReason.UnknownTransferCoding);
            }
            // RFC 9112 §6.3 item 4: chunked must be the final coding, and §7 applied only once; else 400.
            if (!_chunkedLast || _chunkedRepeated)
            {
                throw new HttpProtocolException(RejectReason.MalformedHeader, "chunked must be the final transfer coding, once");
            }
            head.BodyFraming = BodyFraming.Chunked;
        }
        else if (_hasContentLength)
        {
            if (_contentLength > limits.MaxBodyBytes)
            {
                throw new HttpProtocolException(RejectReason.BodyTooLarge);
            }
            head.BodyFraming = BodyFraming.ContentLength;
            head.ContentLength = _contentLength;
        }
        else
        {
            // RFC 9112 §6.3 item 7: a request with neither has no body.
            head.BodyFraming = BodyFraming.None;
        }

        // RFC 9112 §9.3: 1.1 persists unless "close"; 1.0 only with "keep-alive" (and not "close").
        head.KeepAliveRequested = !_close && (http11 || _keepAlive);
        head.ExpectContinue = http11 && _expectContinue
            && (head.BodyFraming == BodyFraming.Chunked || head.ContentLength > 0);
    }

    private void ObserveHost(ReadOnlySpan<byte> value, int valueStart)
    {
        // RFC 9112 §3.2: more than one Host line, or an invalid value, is 400. Empty is allowed (§3.2).
        if (++_hostCount > 1)
        {
            throw new HttpProtocolException(RejectReason.InvalidHost, "more than one Host");
        }
        if (value.IndexOfAnyExcept(HttpCharacters.Authority) >= 0)
        {
            throw new HttpProtocolException(RejectReason.InvalidHost, "invalid Host value");
        }
        _hostStart = valueStart;
        _hostLength = value.Length;
    }

    private void ObserveContentLength(ReadOnlySpan<byte> value)
    {
        // RFC 9110 §8.6: a list of identical values ("5, 5") or repeated identical fields may be accepted
        // as that one value; anything else is unrecoverable framing (RFC 9112 §6.3 item 5).
        var sawElement = false;
        foreach (var element in new ListElements(value))
        {
            var length = ParseDecimal(element);
            if ((_hasContentLength || sawElement) && length != _contentLength)
            {
                throw new HttpProtocolException(RejectReason.InvalidContentLength, "differing Content-Length values");
            }
            _contentLength = length;
            sawElement = true;
        }
        if (!sawElement)
        {
            throw new HttpProtocolException(RejectReason.InvalidContentLength, "empty Content-Length");
        }
        _hasContentLength = true;
    }

    private void ObserveTransferEncoding(ReadOnlySpan<byte> value)
    {
        // The codings of every Transfer-Encoding line form one list, in order (RFC 9110 §5.3).
        _hasTransferEncoding = true;
        foreach (var coding in new ListElements(value))
        {
            if (Ascii.EqualsIgnoreCase(coding, "chunked"u8))
            {
                _chunkedRepeated |= _chunkedSeen;
                _chunkedSeen = true;
                _chunkedLast = true;
            }
            else
            {
                _unknownCoding = true;
                _chunkedLast = false;
            }
        }
    }

    private void ObserveConnection(ReadOnlySpan<byte> value)
    {
        foreach (var option in new ListElements(value))
        {
            if (Ascii.EqualsIgnoreCase(option, "close"u8))
            {
                _close = true;
            }
            else if (Ascii.EqualsIgnoreCase(option, "keep-alive"u8))
            {
                _keepAlive = true;
            }
        }
    }

    private static long ParseDecimal(ReadOnlySpan<byte> digits)
    {
        // Content-Length = 1*DIGIT (RFC 9110 §8.6): no sign, no spaces inside, no overflow.
        if (digits.Length == 0 || digits.Length > 18 || digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            throw new HttpProtocolException(RejectReason.InvalidContentLength, "not a decimal number below 10^18");
        }
        long value = 0;
        foreach (var digit in digits)
        {
            value = (value * 10) + (digit - '0');
        }
        return value;
    }
}
