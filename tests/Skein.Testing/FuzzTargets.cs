// The bodies of the fuzz targets: what one input means and which invariants it must keep. tests/Skein.Fuzz runs
// them under afl++ (instrumented Skein.Http), Skein.Http.Tests replays the checked-in corpus through them in CI,
// and FuzzSeeds writes their starting inputs. A broken invariant throws (FuzzInvariantException, or the
// InvalidOperationException of a broken calling contract); a rejection by the core is an ordinary outcome.
using System.Text;
using Skein.Http;
using Skein.Http.Proxy;
using Skein.Http.Semantics;

namespace Skein.Testing;

/// <summary>A fuzz target found a bug: the message says which invariant broke.</summary>
public sealed class FuzzInvariantException(string message) : Exception(message);

/// <summary>The fuzz targets, by name.</summary>
public static class FuzzTargets
{
    /// <summary>The names <see cref="For"/> knows, each with what its input is.</summary>
    public static IReadOnlyDictionary<string, string> Descriptions { get; } = new Dictionary<string, string>
    {
        ["request"] = "one settings byte, then a client's byte stream (request lines, headers, bodies, pipelined requests)",
        ["chunked"] = "one settings byte, then the bytes after a chunked POST head (chunk framing, trailers, what follows)",
        ["path"] = "a request path (a '/' is put in front when missing)",
        ["proxy"] = "the first bytes of a connection with --proxy-protocol (a PROXY v1 or v2 header, then anything)",
    };

    /// <summary>The target named <paramref name="name"/>; throws <see cref="ArgumentException"/> for an unknown name.</summary>
    public static Action<byte[]> For(string name) => name switch
    {
        "request" => Request,
        "chunked" => Chunked,
        "path" => Path,
        "proxy" => Proxy,
        _ => throw new ArgumentException($"Unknown fuzz target '{name}'; known: {string.Join(", ", Descriptions.Keys)}.", nameof(name)),
    };

    /// <summary>Small limits, so that short inputs reach every limit's branch.</summary>
    public static HttpLimits SmallLimits { get; } = new()
    {
        MaxRequestLineBytes = 64,
        MaxRequestTargetBytes = 40,
        MaxHeaderBytes = 128,
        MaxHeaderCount = 4,
        MaxBodyBytes = 64,
        MaxChunkLineBytes = 16,
    };

    private static readonly byte[] ChunkedHead = "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray();

    // Byte by byte costs one core call per byte; beyond this length the two other feedings must do.
    private const int ByteByByteLimit = 4096;

    // The request-target limit's default (8 KiB): a longer path never reaches DotSegments from the parser.
    private const int MaxPathBytes = 8 * 1024;

    /// <summary>The core's contract on any stream: requests, then open, closed, ended or a rejection — never
    /// another exception, never more calls than the bytes justify; and the same outcome whether the stream
    /// comes whole, in two pieces (cut where the settings byte says) or one byte at a time. Every path it
    /// hands out is free of dot segments.</summary>
    public static void Request(byte[] input) => Differential(input, []);

    /// <summary><see cref="Request"/> with the stream starting inside a chunked body.</summary>
    public static void Chunked(byte[] input) => Differential(input, ChunkedHead);

    private static void Differential(byte[] input, byte[] prefix)
    {
        if (input.Length == 0)
        {
            return;
        }
        // Settings byte: bit 0 chooses the small limits; the other seven place the cut of the two-piece feeding.
        var settings = input[0];
        var limits = (settings & 1) != 0 ? SmallLimits : HttpLimits.Default;
        var stream = new byte[prefix.Length + input.Length - 1];
        prefix.CopyTo(stream, 0);
        input.AsSpan(1).CopyTo(stream.AsSpan(prefix.Length));
        var cut = (int)((long)(settings >> 1) * stream.Length / 127);

        var whole = FeedOutcome.Of(stream, [], limits, endInput: true, inspect: CheckPath);
        var twoPieces = FeedOutcome.Of(stream, [cut], limits, endInput: true);
        Same(whole, twoPieces, $"split at {cut}");
        if (stream.Length <= ByteByByteLimit)
        {
            var byteByByte = FeedOutcome.Of(stream, Enumerable.Range(1, Math.Max(0, stream.Length - 1)), limits, endInput: true);
            Same(whole, byteByByte, "byte by byte");
        }
    }

    private static void Same(FeedOutcome whole, FeedOutcome other, string how)
    {
        if (whole != other)
        {
            throw new FuzzInvariantException($"Fed {how}, the core behaved differently than fed whole.\nWhole: {whole}\n{how}: {other}");
        }
    }

    private static void CheckPath(ParsedRequest request)
    {
        var path = Encoding.Latin1.GetBytes(request.Path);
        var expected = request.Method == "CONNECT" ? path.Length == 0
            : request.Target == "*" ? request.Path == "*"
            : path.Length > 0 && path[0] == '/' && !DotSegments.Contains(path);
        if (!expected)
        {
            throw new FuzzInvariantException($"The core handed out the path '{request.Path}' for the target '{request.Target}'.");
        }
    }

    /// <summary>The PROXY header parser's contract: never an exception; every prefix shorter than the point where
    /// it decides is "need more" and the first decision is the whole input's (so a header trickled byte by byte
    /// reads as one sent whole); a rejection is final (more bytes never make it valid); a complete header takes
    /// no more bytes than the input and the limits allow, re-parses alone to the same header, and names
    /// addresses of the family its kind says.</summary>
    public static void Proxy(byte[] input)
    {
        var whole = ProxyHeaderParser.TryParse(input, out var header, out var consumed, out _);
        var decided = input.Length;
        for (var length = 0; length < input.Length; length++)
        {
            var status = ProxyHeaderParser.TryParse(input.AsSpan(0, length), out var partial, out var partialConsumed, out _);
            if (status == ProxyParseStatus.NeedMoreData)
            {
                continue;
            }
            decided = length;
            if (status != whole || partial != header || partialConsumed != consumed)
            {
                throw new FuzzInvariantException($"PROXY: {length} of {input.Length} bytes gave {status} ({partial}, {partialConsumed}); all of them {whole} ({header}, {consumed}).");
            }
            break;
        }
        if (whole == ProxyParseStatus.Complete && consumed != decided)
        {
            throw new FuzzInvariantException($"PROXY: the header took {consumed} bytes but was decided after {decided}.");
        }
        if (whole != ProxyParseStatus.Complete)
        {
            return;
        }
        var limit = header.Version == 1 ? ProxyHeaderParser.MaxV1Bytes : ProxyHeaderParser.MaxV2Bytes;
        if (consumed > input.Length || consumed > limit || consumed < 8)
        {
            throw new FuzzInvariantException($"PROXY: a v{header.Version} header of {consumed} bytes in {input.Length}.");
        }
        if (ProxyHeaderParser.TryParse(input.AsSpan(0, consumed), out var alone, out _, out _) != ProxyParseStatus.Complete || alone != header)
        {
            throw new FuzzInvariantException($"PROXY: the header's {consumed} bytes alone do not read as {header}.");
        }
        if ((header.Source is null) != (header.Destination is null)
            || (header.Source is { } source && header.Destination is { } destination && source.AddressFamily != destination.AddressFamily)
            || (header.Command == ProxyCommand.Local && header.Source is not null))
        {
            throw new FuzzInvariantException($"PROXY: inconsistent header {header}.");
        }
    }

    /// <summary>Dot-segment removal against RFC 3986 §5.2.4's own algorithm (with %2E read as '.'): same result,
    /// same refusal above the root; the result has no dot segments, is no longer than the path, stays the same
    /// when removed again, and percent-decoding it once can never produce a "." or ".." segment.</summary>
    public static void Path(byte[] input)
    {
        // The reference below is quadratic; no path longer than this teaches it anything a shorter one does not.
        input = input.Length > MaxPathBytes ? input[..MaxPathBytes] : input;
        var path = input.Length > 0 && input[0] == '/' ? input : [(byte)'/', .. input];
        var output = new byte[path.Length];
        var removed = DotSegments.TryRemove(path, output, out var written);
        var (expected, climbs) = RemoveDotSegmentsAsRfc3986(DecodeDots(Encoding.Latin1.GetString(path)));
        if (removed == climbs)
        {
            throw new FuzzInvariantException($"'{Show(path)}': {(removed ? "kept although it climbs above the root" : "refused although RFC 3986 stays inside")}.");
        }
        if (!removed)
        {
            return;
        }
        var result = output.AsSpan(0, written).ToArray();
        if (DecodeDots(Encoding.Latin1.GetString(result)) != expected)
        {
            throw new FuzzInvariantException($"'{Show(path)}' became '{Show(result)}'; RFC 3986 gives '{expected}'.");
        }
        if (DotSegments.Contains(result) || (!DotSegments.Contains(path) && !result.AsSpan().SequenceEqual(path)))
        {
            throw new FuzzInvariantException($"'{Show(path)}' became '{Show(result)}', which still has dot segments or changed for nothing.");
        }
        var again = new byte[result.Length];
        if (!DotSegments.TryRemove(result, again, out var writtenAgain) || !again.AsSpan(0, writtenAgain).SequenceEqual(result))
        {
            throw new FuzzInvariantException($"Removing dot segments from '{Show(result)}' again changed it.");
        }
        var decoded = new byte[result.Length];
        if (PercentDecoding.TryDecodePath(result, decoded, out var decodedLength) == PathDecodeStatus.Ok)
        {
            foreach (var range in decoded.AsSpan(0, decodedLength).Split((byte)'/'))
            {
                var segment = decoded.AsSpan(0, decodedLength)[range];
                if (segment.SequenceEqual("."u8) || segment.SequenceEqual(".."u8))
                {
                    throw new FuzzInvariantException($"'{Show(result)}' decodes to a dot segment: decoding would have to happen twice to be safe.");
                }
            }
        }
    }

    // RFC 3986 §5.2.4 step by step, on strings. Returns the output and whether a ".." found the output empty
    // (where the RFC silently stays at the root and Skein refuses).
    private static (string Output, bool Climbs) RemoveDotSegmentsAsRfc3986(string input)
    {
        var output = new StringBuilder();
        var climbs = false;
        while (input.Length > 0)
        {
            if (input.StartsWith("../", StringComparison.Ordinal))
            {
                input = input[3..];                                             // A
            }
            else if (input.StartsWith("./", StringComparison.Ordinal))
            {
                input = input[2..];                                             // A
            }
            else if (input.StartsWith("/./", StringComparison.Ordinal))
            {
                input = "/" + input[3..];                                       // B
            }
            else if (input == "/.")
            {
                input = "/";                                                    // B
            }
            else if (input.StartsWith("/../", StringComparison.Ordinal) || input == "/..")
            {
                input = "/" + input[(input == "/.." ? 3 : 4)..];                // C
                if (output.Length == 0)
                {
                    climbs = true;
                }
                else
                {
                    var text = output.ToString();
                    output.Length = Math.Max(0, text.LastIndexOf('/'));
                }
            }
            else if (input is "." or "..")
            {
                input = "";                                                     // D
            }
            else
            {
                var next = input.IndexOf('/', input[0] == '/' ? 1 : 0);         // E
                var segment = next < 0 ? input : input[..next];
                output.Append(segment);
                input = input[segment.Length..];
            }
        }
        return (output.ToString(), climbs);
    }

    // Reads each %2E (either case) as '.', and nothing else: the equivalence RFC 3986 §2.3 gives unreserved characters.
    private static string DecodeDots(string path)
    {
        var text = new StringBuilder(path.Length);
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '%' && i + 2 < path.Length && path[i + 1] == '2' && (path[i + 2] | 0x20) == 'e')
            {
                text.Append('.');
                i += 2;
            }
            else
            {
                text.Append(path[i]);
            }
        }
        return text.ToString();
    }

    private static string Show(byte[] bytes) => Encoding.Latin1.GetString(bytes);
}
