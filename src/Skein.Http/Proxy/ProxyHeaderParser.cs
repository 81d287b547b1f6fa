// The PROXY protocol header (HAProxy's proxy-protocol.txt, versions 1 and 2) that a load balancer sends
// before the proxied bytes, to say who the client really is. Sans-I/O like the rest of the core: handed the
// bytes received so far, it answers complete (the header and how many bytes it took), need more, or
// rejected (and why). It does not read sockets, decide who may send a header (the server's --proxy-from
// does), nor what the addresses are used for.
//
// Feeding it a byte at a time costs O(n²) in the header's length, which is bounded (107 bytes for v1; v2
// knows its length after 16 bytes and is not rescanned), so no scan position is carried between calls.
using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Skein.Http.Proxy;

/// <summary>Parses a PROXY protocol v1 or v2 header from the start of a connection's input.</summary>
public static class ProxyHeaderParser
{
    /// <summary>The longest v1 header, CRLF included: 107 bytes, the specification's limit (§2.1: "PROXY TCP6"
    /// with two full IPv6 addresses and ports).</summary>
    public const int MaxV1Bytes = 107;

    /// <summary>The longest v2 header accepted: 16 fixed bytes and 4,096 of addresses and TLVs. Addresses take
    /// 216 bytes at most (AF_UNIX); HAProxy's TLVs (ALPN, authority, unique id, SSL details) add a few hundred.</summary>
    public const int MaxV2Bytes = 16 + 4096;

    /// <summary>The v2 signature, §2.2: a sequence no HTTP request (nor v1 header) can start with.</summary>
    public static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static ReadOnlySpan<byte> V1Signature => "PROXY "u8;

    private static readonly SearchValues<byte> IPv6Characters = SearchValues.Create("0123456789abcdefABCDEF:."u8);

    // v2 address families with their transport (§2.2, 14th byte). Only stream ones describe a TCP connection;
    // "other values ... must be rejected as invalid by receivers".
    private const byte Unspecified = 0x00;
    private const byte TcpOverIPv4 = 0x11;
    private const byte TcpOverIPv6 = 0x21;
    private const byte UnixStream = 0x31;

    /// <summary>
    /// Parses the header at the start of <paramref name="input"/>. <see cref="ProxyParseStatus.Complete"/>
    /// fills <paramref name="header"/> and <paramref name="consumed"/> (the bytes after it belong to the
    /// proxied stream); <see cref="ProxyParseStatus.NeedMoreData"/> means the input is a valid beginning (call
    /// again with it and more); <see cref="ProxyParseStatus.Rejected"/> gives the reason in <paramref name="rejection"/>.
    /// Never throws.
    /// </summary>
    public static ProxyParseStatus TryParse(ReadOnlySpan<byte> input, out ProxyHeader header, out int consumed, out string? rejection)
    {
        header = default;
        consumed = 0;
        rejection = null;
        if (IsPrefixOf(input, V2Signature))
        {
            return input.Length < V2Signature.Length ? ProxyParseStatus.NeedMoreData : ParseV2(input, out header, out consumed, out rejection);
        }
        if (IsPrefixOf(input, V1Signature))
        {
            return input.Length < V1Signature.Length ? ProxyParseStatus.NeedMoreData : ParseV1(input, out header, out consumed, out rejection);
        }
        return Reject("the connection does not start with a PROXY protocol header", out rejection);
    }

    // True when input, as far as it goes, agrees with signature.
    private static bool IsPrefixOf(ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature)
    {
        var length = Math.Min(input.Length, signature.Length);
        return input[..length].SequenceEqual(signature[..length]);
    }

    private static ProxyParseStatus Reject(string reason, out string rejection)
    {
        rejection = reason;
        return ProxyParseStatus.Rejected;
    }

    // §2.1: "PROXY" SP ("TCP4" / "TCP6") SP src SP dst SP sport SP dport CRLF, or "PROXY UNKNOWN" and anything
    // up to CRLF (the receiver ignores it and keeps the connection's own endpoints).
    private static ProxyParseStatus ParseV1(ReadOnlySpan<byte> input, out ProxyHeader header, out int consumed, out string? rejection)
    {
        header = default;
        consumed = 0;
        rejection = null;
        var window = input[..Math.Min(input.Length, MaxV1Bytes)];
        var lf = window.IndexOf((byte)'\n');
        if (lf < 0)
        {
            return input.Length >= MaxV1Bytes
                ? Reject($"PROXY v1 line longer than {MaxV1Bytes} bytes", out rejection)
                : ProxyParseStatus.NeedMoreData;
        }
        if (window[lf - 1] != (byte)'\r')
        {
            return Reject("PROXY v1 line not ended by CRLF", out rejection);
        }
        var rest = window[V1Signature.Length..(lf - 1)];
        consumed = lf + 1;
        if (rest.StartsWith("UNKNOWN"u8) && (rest.Length == 7 || rest[7] == (byte)' '))
        {
            header = new ProxyHeader(1, ProxyCommand.Proxy, null, null);
            return ProxyParseStatus.Complete;
        }
        AddressFamily family;
        if (rest.StartsWith("TCP4 "u8))
        {
            family = AddressFamily.InterNetwork;
        }
        else if (rest.StartsWith("TCP6 "u8))
        {
            family = AddressFamily.InterNetworkV6;
        }
        else
        {
            return Reject("PROXY v1 protocol is not TCP4, TCP6 or UNKNOWN", out rejection);
        }
        rest = rest[5..];
        if (!TryTakeField(ref rest, out var sourceText) || !TryTakeField(ref rest, out var destinationText)
            || !TryTakeField(ref rest, out var sourcePortText) || rest.IsEmpty || rest.Contains((byte)' '))
        {
            return Reject("PROXY v1 line does not have four single-space separated fields", out rejection);
        }
        if (!TryParseAddress(sourceText, family, out var source) || !TryParseAddress(destinationText, family, out var destination))
        {
            return Reject($"PROXY v1 address is not a valid {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address", out rejection);
        }
        if (!TryParsePort(sourcePortText, out var sourcePort) || !TryParsePort(rest, out var destinationPort))
        {
            return Reject("PROXY v1 port is not a decimal number from 0 to 65535", out rejection);
        }
        header = new ProxyHeader(1, ProxyCommand.Proxy, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
        return ProxyParseStatus.Complete;
    }

    // The text up to the next single space; false if there is none or the field is empty.
    private static bool TryTakeField(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> field)
    {
        var space = rest.IndexOf((byte)' ');
        field = space > 0 ? rest[..space] : default;
        if (space <= 0)
        {
            return false;
        }
        rest = rest[(space + 1)..];
        return true;
    }

    // IPv4 as four decimal octets without leading zeros (what inet_pton accepts, so "010.1.1.1" is not read
    // as octal or decimal by surprise); IPv6 in any form inet_pton accepts, without a zone.
    private static bool TryParseAddress(ReadOnlySpan<byte> text, AddressFamily family, out IPAddress address)
    {
        address = IPAddress.None;
        if (family == AddressFamily.InterNetwork)
        {
            Span<byte> octets = stackalloc byte[4];
            for (var i = 0; i < 4; i++)
            {
                var end = i < 3 ? text.IndexOf((byte)'.') : text.Length;
                if (end < 0 || !TryParseDecimal(text[..end], 3, out var octet) || octet > 255)
                {
                    return false;
                }
                octets[i] = (byte)octet;
                text = i < 3 ? text[(end + 1)..] : default;
            }
            address = new IPAddress(octets);
            return true;
        }
        if (text.Length is < 2 or > 45 || text.IndexOfAnyExcept(IPv6Characters) >= 0)
        {
            return false;
        }
        Span<char> chars = stackalloc char[45];
        for (var i = 0; i < text.Length; i++)
        {
            chars[i] = (char)text[i];
        }
        return IPAddress.TryParse(chars[..text.Length], out address!) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    private static bool TryParsePort(ReadOnlySpan<byte> text, out int port) => TryParseDecimal(text, 5, out port) && port <= 65535;

    // 1 to maxDigits decimal digits, no leading zero (except "0" itself).
    private static bool TryParseDecimal(ReadOnlySpan<byte> text, int maxDigits, out int value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > maxDigits || (text[0] == (byte)'0' && text.Length > 1))
        {
            return false;
        }
        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
            value = value * 10 + (b - '0');
        }
        return true;
    }

    // §2.2: the 12-byte signature, version and command, family and transport, the length of what follows
    // (addresses, then TLVs, which are skipped), in network byte order.
    private static ProxyParseStatus ParseV2(ReadOnlySpan<byte> input, out ProxyHeader header, out int consumed, out string? rejection)
    {
        header = default;
        consumed = 0;
        rejection = null;
        if (input.Length < 16)
        {
            return ProxyParseStatus.NeedMoreData;
        }
        var versionAndCommand = input[12];
        if (versionAndCommand >> 4 != 2)
        {
            return Reject($"PROXY v2 header with version {versionAndCommand >> 4}", out rejection);
        }
        var command = (versionAndCommand & 0x0F) switch
        {
            0 => ProxyCommand.Local,
            1 => ProxyCommand.Proxy,
            _ => (ProxyCommand?)null,
        };
        if (command is null)
        {
            return Reject($"PROXY v2 command {versionAndCommand & 0x0F} is neither LOCAL nor PROXY", out rejection);
        }
        var family = input[13];
        var length = BinaryPrimitives.ReadUInt16BigEndian(input[14..16]);
        if (16 + length > MaxV2Bytes)
        {
            return Reject($"PROXY v2 header of {16 + length} bytes, more than {MaxV2Bytes}", out rejection);
        }
        // LOCAL: "the receiver must ... use the real connection endpoints and discard the protocol block
        // including the family which is ignored". PROXY: the family must describe a stream connection.
        if (command == ProxyCommand.Proxy)
        {
            var needed = family switch
            {
                Unspecified => 0,
                TcpOverIPv4 => 12,
                TcpOverIPv6 => 36,
                UnixStream => 216,
                _ => -1,
            };
            if (needed < 0)
            {
                return Reject($"PROXY v2 address family and transport 0x{family:X2} is not a stream connection", out rejection);
            }
            if (length < needed)
            {
                return Reject($"PROXY v2 address block of {length} bytes is too short for family 0x{family:X2}", out rejection);
            }
        }
        if (input.Length < 16 + length)
        {
            return ProxyParseStatus.NeedMoreData;
        }
        consumed = 16 + length;
        var addresses = input[16..];
        header = (command, family) switch
        {
            (ProxyCommand.Proxy, TcpOverIPv4) => new ProxyHeader(2, ProxyCommand.Proxy,
                new IPEndPoint(new IPAddress(addresses[..4]), BinaryPrimitives.ReadUInt16BigEndian(addresses[8..10])),
                new IPEndPoint(new IPAddress(addresses[4..8]), BinaryPrimitives.ReadUInt16BigEndian(addresses[10..12]))),
            (ProxyCommand.Proxy, TcpOverIPv6) => new ProxyHeader(2, ProxyCommand.Proxy,
                new IPEndPoint(new IPAddress(addresses[..16]), BinaryPrimitives.ReadUInt16BigEndian(addresses[32..34])),
                new IPEndPoint(new IPAddress(addresses[16..32]), BinaryPrimitives.ReadUInt16BigEndian(addresses[34..36]))),
            _ => new ProxyHeader(2, command.Value, null, null), // LOCAL, AF_UNSPEC, AF_UNIX: keep the real endpoints
        };
        return ProxyParseStatus.Complete;
    }
}
