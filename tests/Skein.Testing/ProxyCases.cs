// The PROXY protocol corpus (HAProxy's proxy-protocol.txt, v1 and v2): valid headers with what they say, and
// invalid ones with a label, picohttpparser-style. Shared by the parser's unit tests, the socket tests and the
// fuzz target's seeds.
using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Skein.Testing;

/// <summary>PROXY protocol headers, valid and invalid.</summary>
public static class ProxyCases
{
    /// <summary>The v2 signature (§2.2).</summary>
    public static byte[] V2Signature { get; } = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>A valid header: its bytes, and the client and proxy it names (null: keep the connection's own).</summary>
    public sealed record Valid(string Label, byte[] Bytes, int Version, bool Local, string? Source, string? Destination)
    {
        public override string ToString() => Label;
    }

    /// <summary>An invalid header and why.</summary>
    public sealed record Invalid(string Label, byte[] Bytes)
    {
        public override string ToString() => Label;
    }

    /// <summary>Valid headers of every kind the specification describes.</summary>
    public static IReadOnlyList<Valid> ValidCases { get; } =
    [
        new("v1 TCP4", V1("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"), 1, false, "192.168.0.1:56324", "192.168.0.11:443"),
        new("v1 TCP6", V1("PROXY TCP6 2001:db8::1 ::1 56324 8085\r\n"), 1, false, "[2001:db8::1]:56324", "[::1]:8085"),
        new("v1 TCP6 with IPv4 inside", V1("PROXY TCP6 ::ffff:10.1.2.3 ::ffff:10.0.0.1 0 65535\r\n"), 1, false, "[::ffff:10.1.2.3]:0", "[::ffff:10.0.0.1]:65535"),
        new("v1 longest line (107 bytes)", V1("PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n"),
            1, false, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535"),
        new("v1 UNKNOWN", V1("PROXY UNKNOWN\r\n"), 1, false, null, null),
        new("v1 UNKNOWN with ignored addresses", V1("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n"), 1, false, null, null),
        new("v2 PROXY TCP4", V2(0x21, 0x11, [203, 0, 113, 7, 10, 0, 0, 1, .. Port(51000), .. Port(80)]), 2, false, "203.0.113.7:51000", "10.0.0.1:80"),
        new("v2 PROXY TCP6", V2(0x21, 0x21, [.. IPAddress.Parse("2001:db8::7").GetAddressBytes(), .. IPAddress.IPv6Loopback.GetAddressBytes(), .. Port(40000), .. Port(443)]),
            2, false, "[2001:db8::7]:40000", "[::1]:443"),
        new("v2 PROXY TCP4 with TLVs (ALPN, authority)", V2(0x21, 0x11, [198, 51, 100, 2, 10, 0, 0, 1, .. Port(1234), .. Port(80),
            0x01, 0x00, 0x02, (byte)'h', (byte)'2', 0x02, 0x00, 0x03, (byte)'a', (byte)'.', (byte)'b']), 2, false, "198.51.100.2:1234", "10.0.0.1:80"),
        new("v2 LOCAL (health check)", V2(0x20, 0x00, []), 2, true, null, null),
        new("v2 LOCAL ignores its address block", V2(0x20, 0x11, [1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 0, 2]), 2, true, null, null),
        new("v2 PROXY AF_UNSPEC", V2(0x21, 0x00, []), 2, false, null, null),
        new("v2 PROXY AF_UNIX", V2(0x21, 0x31, new byte[216]), 2, false, null, null),
    ];

    /// <summary>Headers a receiver must refuse.</summary>
    public static IReadOnlyList<Invalid> InvalidCases { get; } =
    [
        new("no header: plain HTTP", V1("GET / HTTP/1.1\r\nHost: h\r\n\r\n")),
        new("lower-case proxy", V1("proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n")),
        new("LF without CR", V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n")),
        new("unknown protocol", V1("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n")),
        new("UDP4 is not v1", V1("PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n")),
        new("two spaces", V1("PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n")),
        new("trailing space", V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n")),
        new("missing port", V1("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n")),
        new("extra field", V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n")),
        new("octet above 255", V1("PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n")),
        new("octet with leading zero", V1("PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n")),
        new("three octets", V1("PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n")),
        new("IPv6 under TCP4", V1("PROXY TCP4 ::1 ::1 1 2\r\n")),
        new("IPv4 under TCP6", V1("PROXY TCP6 1.2.3.4 5.6.7.8 1 2\r\n")),
        new("IPv6 with a zone", V1("PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n")),
        new("port above 65535", V1("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n")),
        new("port with leading zero", V1("PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n")),
        new("negative port", V1("PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n")),
        new("bare CR inside", V1("PROXY TCP4 1.2.3.4\r5.6.7.8 1 2\r\n")),
        new("no CRLF within 107 bytes", V1("PROXY UNKNOWN " + new string('a', 100) + "\r\n")),
        new("v2 version 1", V2(0x11, 0x11, new byte[12])),
        new("v2 command 2", V2(0x22, 0x11, new byte[12])),
        new("v2 UDP4", V2(0x21, 0x12, new byte[12])),
        new("v2 UDP6", V2(0x21, 0x22, new byte[36])),
        new("v2 unknown family", V2(0x21, 0x41, new byte[12])),
        new("v2 TCP4 block too short", V2(0x21, 0x11, new byte[8])),
        new("v2 TCP6 block too short", V2(0x21, 0x21, new byte[12])),
        new("v2 longer than 4 KiB", V2(0x21, 0x11, new byte[5000])),
        new("v2 signature broken", [.. V2Signature[..11], 0x0B, 0x21, 0x11, 0, 12, .. new byte[12]]),
    ];

    /// <summary>ASCII bytes of a v1 header (or anything else).</summary>
    public static byte[] V1(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>A v2 header: signature, version and command byte, family byte, length, then <paramref name="block"/>.</summary>
    public static byte[] V2(byte versionAndCommand, byte family, byte[] block)
    {
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)block.Length);
        return [.. V2Signature, versionAndCommand, family, .. length, .. block];
    }

    /// <summary>A v2 PROXY header for a TCP client at <paramref name="client"/> connected to <paramref name="proxy"/>.</summary>
    public static byte[] V2Tcp(IPEndPoint client, IPEndPoint proxy)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentOutOfRangeException.ThrowIfNotEqual(proxy.AddressFamily, client.AddressFamily);
        var v4 = client.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        return V2(0x21, v4 ? (byte)0x11 : (byte)0x21,
            [.. client.Address.GetAddressBytes(), .. proxy.Address.GetAddressBytes(), .. Port(client.Port), .. Port(proxy.Port)]);
    }

    private static byte[] Port(int port)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)port);
        return bytes;
    }
}
