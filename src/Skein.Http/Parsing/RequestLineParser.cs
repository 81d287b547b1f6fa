// Parses one complete request line (RFC 9112 §3) that the connection has already copied into the head's
// storage, and fills method, version, target form, target, path (dot segments removed), query and (for
// absolute- and authority-form) host. It does not find lines, count bytes across calls, or look at header fields.
using System.Text;
using Skein.Http.Semantics;

namespace Skein.Http.Parsing;

internal static class RequestLineParser
{
    /// <summary>Parses the request line stored at <paramref name="start"/> (<paramref name="length"/> bytes,
    /// CRLF excluded). Throws <see cref="HttpProtocolException"/> for anything but a request Skein serves.</summary>
    public static void Parse(RequestHead head, int start, int length, HttpLimits limits)
    {
        var line = head.Stored(start, length);

        // RFC 9112 §2.2: a bare CR, NUL or any other control in the line is refused (HTAB too: §3 uses SP only).
        if (line.IndexOfAny(HttpCharacters.Controls) >= 0)
        {
            throw new HttpProtocolException(RejectReason.InvalidCharacter, "control character in the request line");
        }

        // method SP request-target SP HTTP-version (RFC 9112 §3): exactly two single spaces.
        var firstSpace = line.IndexOf(HttpCharacters.Space);
        if (firstSpace <= 0)
        {
            throw new HttpProtocolException(RejectReason.MalformedRequestLine, "no method");
        }
        var method = line[..firstSpace];
        if (method.IndexOfAnyExcept(HttpCharacters.Token) >= 0)
        {
            throw new HttpProtocolException(RejectReason.MalformedRequestLine, "method is not a token");
        }

        var rest = line[(firstSpace + 1)..];
        var secondSpace = rest.IndexOf(HttpCharacters.Space);
        if (secondSpace < 0)
        {
            // "GET /very-long-target" without a version: an HTTP/0.9 request or a truncated line.
            throw rest.Length > limits.MaxRequestTargetBytes
                ? new HttpProtocolException(RejectReason.RequestTargetTooLong)
                : new HttpProtocolException(RejectReason.MalformedRequestLine, "no HTTP version");
        }
        if (secondSpace == 0)
        {
            throw new HttpProtocolException(RejectReason.MalformedRequestLine, "empty request target");
        }
        var target = rest[..secondSpace];
        var version = rest[(secondSpace + 1)..];

        head.Version = ParseVersion(version);
        if (target.Length > limits.MaxRequestTargetBytes)
        {
            throw new HttpProtocolException(RejectReason.RequestTargetTooLong);
        }
        head.Method = ParseMethod(method);

        // RFC 3986 allows only visible ASCII in a URI; controls and SP are already excluded above.
        if (target.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7E) >= 0)
        {
            throw new HttpProtocolException(RejectReason.InvalidRequestTarget, "non-ASCII byte in the target");
        }

        var targetStart = start + firstSpace + 1;
        head.SetTarget(targetStart, target.Length);
        ParseTarget(head, target, targetStart);
    }

    /// <summary>Chooses the rejection for a request line that did not end within the request-line limit:
    /// garbage is 400, a target that is already too long (or still running) is 414 (RFC 9112 §3: "A server
    /// that receives a request-target longer than any URI it wishes to parse MUST respond with 414").</summary>
    public static HttpProtocolException Overlong(ReadOnlySpan<byte> partialLine, HttpLimits limits)
    {
        // The window may end between CR and LF: that CR is the line's end, not a bare CR.
        if (partialLine.Length > 0 && partialLine[^1] == HttpCharacters.Cr)
        {
            partialLine = partialLine[..^1];
        }
        if (partialLine.IndexOfAny(HttpCharacters.Controls) >= 0)
        {
            return new HttpProtocolException(RejectReason.InvalidCharacter, "control character in the request line");
        }
        var firstSpace = partialLine.IndexOf(HttpCharacters.Space);
        if (firstSpace < 0 || partialLine[..firstSpace].IndexOfAnyExcept(HttpCharacters.Token) >= 0)
        {
            return new HttpProtocolException(RejectReason.MalformedRequestLine, "no method");
        }
        var rest = partialLine[(firstSpace + 1)..];
        var secondSpace = rest.IndexOf(HttpCharacters.Space);
        return secondSpace < 0 || secondSpace > limits.MaxRequestTargetBytes
            ? new HttpProtocolException(RejectReason.RequestTargetTooLong)
            : new HttpProtocolException(RejectReason.RequestLineTooLong);
    }

    private static ProtocolVersion ParseVersion(ReadOnlySpan<byte> version)
    {
        // HTTP-version = "HTTP" "/" DIGIT "." DIGIT (RFC 9112 §2.3), case-sensitive.
        if (version.Length != 8 || !version.StartsWith("HTTP/"u8) || version[6] != (byte)'.'
            || !char.IsAsciiDigit((char)version[5]) || !char.IsAsciiDigit((char)version[7]))
        {
            throw new HttpProtocolException(RejectReason.MalformedRequestLine, "malformed HTTP version");
        }
        if (version[5] == (byte)'1' && version[7] == (byte)'1')
        {
            return ProtocolVersion.Http11;
        }
        if (version[5] == (byte)'1' && version[7] == (byte)'0')
        {
            return ProtocolVersion.Http10;
        }
        throw new HttpProtocolException(RejectReason.UnsupportedVersion);
    }

    // Methods are case-sensitive (RFC 9110 §9.1): "get" is a well-formed token Skein does not implement.
    private static RequestMethod ParseMethod(ReadOnlySpan<byte> method) => method.Length switch
    {
        3 when method.SequenceEqual("GET"u8) => RequestMethod.Get,
        3 when method.SequenceEqual("PUT"u8) => RequestMethod.Put,
        4 when method.SequenceEqual("HEAD"u8) => RequestMethod.Head,
        4 when method.SequenceEqual("POST"u8) => RequestMethod.Post,
        5 when method.SequenceEqual("TRACE"u8) => RequestMethod.Trace,
        5 when method.SequenceEqual("PATCH"u8) => RequestMethod.Patch,
        6 when method.SequenceEqual("DELETE"u8) => RequestMethod.Delete,
        7 when method.SequenceEqual("OPTIONS"u8) => RequestMethod.Options,
        7 when method.SequenceEqual("CONNECT"u8) => RequestMethod.Connect,
        _ => throw new HttpProtocolException(RejectReason.UnknownMethod, Encoding.Latin1.GetString(method)),
    };

    private static void ParseTarget(RequestHead head, ReadOnlySpan<byte> target, int targetStart)
    {
        // RFC 9112 §3.2.3: authority-form is only for CONNECT, and CONNECT only takes authority-form.
        if (head.Method == RequestMethod.Connect)
        {
            ValidateAuthority(target, requirePort: true);
            head.TargetForm = TargetForm.Authority;
            head.SetHost(targetStart, target.Length);
            head.SetPath(targetStart, 0);
            return;
        }

        // RFC 9112 §3.2.4: asterisk-form is only for a server-wide OPTIONS.
        if (target.Length == 1 && target[0] == (byte)'*')
        {
            if (head.Method != RequestMethod.Options)
            {
                throw new HttpProtocolException(RejectReason.InvalidRequestTarget, "'*' is only for OPTIONS");
            }
            head.TargetForm = TargetForm.Asterisk;
            head.SetPath(targetStart, 1);
            return;
        }

        if (target[0] == (byte)'/')
        {
            head.TargetForm = TargetForm.Origin;
            SplitPathAndQuery(head, target, targetStart);
            return;
        }

        // RFC 9112 §3.2.2: absolute-form. Only the http and https schemes name something this server holds.
        int schemeLength;
        if (target.Length >= 7 && Ascii.EqualsIgnoreCase(target[..7], "http://"u8))
        {
            schemeLength = 7;
        }
        else if (target.Length >= 8 && Ascii.EqualsIgnoreCase(target[..8], "https://"u8))
        {
            schemeLength = 8;
        }
        else
        {
            throw new HttpProtocolException(RejectReason.InvalidRequestTarget, "not origin-, absolute-, authority- or asterisk-form");
        }

        var afterScheme = target[schemeLength..];
        var authorityEnd = afterScheme.IndexOfAny("/?#"u8);
        var authority = authorityEnd < 0 ? afterScheme : afterScheme[..authorityEnd];
        // RFC 9110 §4.2.1: an http URI with an empty host is invalid; §4.2.4: userinfo is refused.
        ValidateAuthority(authority, requirePort: false);
        head.TargetForm = TargetForm.Absolute;
        head.SetHost(targetStart + schemeLength, authority.Length);

        var pathAndQuery = authorityEnd < 0 ? [] : afterScheme[authorityEnd..];
        var pathStart = targetStart + schemeLength + authority.Length;
        if (pathAndQuery.Length > 0 && pathAndQuery[0] == (byte)'/')
        {
            SplitPathAndQuery(head, pathAndQuery, pathStart);
            return;
        }

        // "http://host" or "http://host?q": the path is "/" (RFC 9110 §4.2.3), which the target does not
        // contain, so one '/' is stored after the line for Path to point at.
        head.SetPath(head.Append("/"u8), 1);
        if (pathAndQuery.Length > 0 && pathAndQuery[0] == (byte)'?')
        {
            head.SetQuery(pathStart + 1, pathAndQuery.Length - 1);
        }
    }

    private static void SplitPathAndQuery(RequestHead head, ReadOnlySpan<byte> pathAndQuery, int start)
    {
        var question = pathAndQuery.IndexOf((byte)'?');
        if (question < 0)
        {
            SetPath(head, pathAndQuery, start);
            return;
        }
        SetPath(head, pathAndQuery[..question], start);
        head.SetQuery(start + question + 1, pathAndQuery.Length - question - 1);
    }

    /// <summary>Sets the path, with its dot segments removed (RFC 3986 §5.2.4), here and only here, so routing
    /// and files see the same path. Most paths have none and stay a slice of the target; otherwise the result
    /// is stored after the line, and the target keeps the bytes as sent.</summary>
    private static void SetPath(RequestHead head, ReadOnlySpan<byte> path, int start)
    {
        if (!DotSegments.Contains(path))
        {
            head.SetPath(start, path.Length);
            return;
        }
        // Reserve may move the storage, so the source is taken again after it.
        var offset = head.Reserve(path.Length);
        if (!DotSegments.TryRemove(head.Stored(start, path.Length), head.Writable(offset, path.Length), out var written))
        {
            throw new HttpProtocolException(RejectReason.PathAboveRoot, "'..' climbs above the root");
        }
        head.Truncate(offset + written);
        head.SetPath(offset, written);
    }

    /// <summary>Checks host [":" port] (RFC 3986 §3.2). Throws InvalidRequestTarget.</summary>
    private static void ValidateAuthority(ReadOnlySpan<byte> authority, bool requirePort)
    {
        if (authority.Length == 0 || authority.IndexOfAnyExcept(HttpCharacters.Authority) >= 0)
        {
            throw new HttpProtocolException(RejectReason.InvalidRequestTarget, "invalid authority");
        }
        if (!requirePort)
        {
            return;
        }
        // RFC 9110 §9.3.6: CONNECT names host and port; the port is required.
        var colon = authority.LastIndexOf(HttpCharacters.Colon);
        var closeBracket = authority.LastIndexOf((byte)']');
        if (colon <= 0 || colon < closeBracket || colon == authority.Length - 1
            || authority[(colon + 1)..].IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            throw new HttpProtocolException(RejectReason.InvalidRequestTarget, "CONNECT needs host:port");
        }
    }
}
