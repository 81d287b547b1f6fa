// Removal of dot segments from a request path (RFC 3986 §5.2.4 remove_dot_segments), done by the parser once
// per request, before routing. A dot may be written "%2E" (RFC 3986 §2.3, §6.2.2.2: percent-encoded unreserved
// characters are equivalent to the characters themselves), so ".%2e" is "..". Nothing else is decoded: the
// segments that stay are copied byte for byte, still percent-encoded, for whoever decodes the path once later.
// It does not decode paths (PercentDecoding) or map them to files.
namespace Skein.Http.Semantics;

/// <summary>Finds and removes the "." and ".." segments of an absolute path.</summary>
public static class DotSegments
{
    /// <summary>True when a segment of <paramref name="path"/> is "." or ".." (any dot possibly written <c>%2E</c>).</summary>
    public static bool Contains(ReadOnlySpan<byte> path)
    {
        // A dot segment starts right after a '/' with '.' or "%2": most paths have neither and cost two scans.
        if (path.IndexOf("/."u8) < 0 && path.IndexOf("/%2"u8) < 0)
        {
            return false;
        }
        foreach (var range in path.Split((byte)'/'))
        {
            if (DotCount(path[range]) > 0)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Writes <paramref name="path"/> (which starts with '/') to <paramref name="destination"/> without
    /// its dot segments: "." is dropped, ".." drops itself and the segment before it, as RFC 3986 §5.2.4 does
    /// (so "/a/./b/../c" is "/a/c", "/a/b/.." is "/a/", and "/a//../c" is "/a/c": an empty segment is a segment).
    /// Returns false, where the RFC would stop at the root, when a ".." would climb above it ("/../x").</summary>
    /// <remarks><paramref name="destination"/> needs <paramref name="path"/>'s length: the result is never longer.</remarks>
    public static bool TryRemove(ReadOnlySpan<byte> path, Span<byte> destination, out int written)
    {
        if (path.IsEmpty || path[0] != '/')
        {
            throw new ArgumentException("The path must start with '/'.", nameof(path));
        }
        // Invariant: destination[..written] is "/" followed by the kept segments, each ended by '/' except a
        // last one; depth counts the kept segments.
        destination[0] = (byte)'/';
        written = 1;
        var depth = 0;
        var rest = path[1..];
        while (true)
        {
            var slash = rest.IndexOf((byte)'/');
            var segment = slash < 0 ? rest : rest[..slash];
            switch (DotCount(segment))
            {
                case 1:
                    break;
                case 2:
                    if (depth == 0)
                    {
                        return false;
                    }
                    depth--;
                    // destination[..written] ends with the '/' after the segment to drop: cut back to the one before it.
                    written = destination[..(written - 1)].LastIndexOf((byte)'/') + 1;
                    break;
                default:
                    segment.CopyTo(destination[written..]);
                    written += segment.Length;
                    if (slash >= 0)
                    {
                        destination[written++] = (byte)'/';
                    }
                    depth++;
                    break;
            }
            if (slash < 0)
            {
                return true;
            }
            rest = rest[(slash + 1)..];
        }
    }

    /// <summary>1 for ".", 2 for "..", 0 for any other segment; each dot may be written "%2E" or "%2e".</summary>
    private static int DotCount(ReadOnlySpan<byte> segment)
    {
        var dots = 0;
        while (!segment.IsEmpty)
        {
            if (segment[0] == '.')
            {
                segment = segment[1..];
            }
            else if (segment.Length >= 3 && segment[0] == '%' && segment[1] == '2' && (segment[2] | 0x20) == 'e')
            {
                segment = segment[3..];
            }
            else
            {
                return 0;
            }
            if (++dots > 2)
            {
                return 0;
            }
        }
        return dots;
    }
}
