// LoadPlan: the immutable things every load thread shares: the request bytes, the server address in the
// kernel's sockaddr layout, and the clock conversions. Built once per run; it sends nothing.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Skein.Bench.Interop;

namespace Skein.Bench.Load;

internal sealed class LoadPlan
{
    public LoadPlan(LoadSettings settings, IPAddress address)
    {
        Settings = settings;
        Request = BuildRequest(settings);
        AddressFamily = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? Libc.AF_INET6 : Libc.AF_INET;
        SocketAddress = BuildSockaddr(address, settings.Url.Port);
        TicksPerMs = Stopwatch.Frequency / 1000.0;
        NsPerTick = 1e9 / Stopwatch.Frequency;
        TimeoutTicks = (long)(settings.Timeout.TotalSeconds * Stopwatch.Frequency);
        // Under a rate, each connection carries its share of it: one request every Connections/Rate seconds.
        IntervalTicks = settings.Rate is { } rate ? (long)(Stopwatch.Frequency * settings.Connections / rate) : 0;
    }

    public LoadSettings Settings { get; }

    /// <summary>The request, pinned so the load threads can hand its address to send(2).</summary>
    public byte[] Request { get; }

    public int AddressFamily { get; }

    /// <summary>struct sockaddr_in or sockaddr_in6, pinned.</summary>
    public byte[] SocketAddress { get; }

    public double TicksPerMs { get; }

    public double NsPerTick { get; }

    public long TimeoutTicks { get; }

    /// <summary>Ticks between two scheduled requests on one connection; 0 when running as fast as possible.</summary>
    public long IntervalTicks { get; }

    /// <summary>Builds the request once: GET, HTTP/1.1, Host (RFC 9112 §3.2 requires it), the user's headers.</summary>
    public static byte[] BuildRequest(LoadSettings settings)
    {
        var text = new StringBuilder();
        text.Append("GET ").Append(settings.Url.PathAndQuery).Append(" HTTP/1.1\r\n");
        bool hasHost = settings.Headers.Any(h => h.StartsWith("host:", StringComparison.OrdinalIgnoreCase));
        if (!hasHost)
        {
            text.Append("Host: ").Append(settings.Url.Authority).Append("\r\n");
        }
        foreach (var header in settings.Headers)
        {
            text.Append(header).Append("\r\n");
        }
        if (!settings.KeepAlive)
        {
            text.Append("Connection: close\r\n");
        }
        text.Append("\r\n");
        var bytes = GC.AllocateUninitializedArray<byte>(Encoding.ASCII.GetByteCount(text.ToString()), pinned: true);
        Encoding.ASCII.GetBytes(text.ToString(), bytes);
        return bytes;
    }

    private static byte[] BuildSockaddr(IPAddress address, int port)
    {
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            // struct sockaddr_in6 { sa_family_t family; in_port_t port; uint32_t flowinfo; in6_addr addr; uint32_t scope_id; }
            var sa6 = GC.AllocateArray<byte>(28, pinned: true);
            MemoryMarshal.Write(sa6, (ushort)Libc.AF_INET6);
            BinaryPrimitives.WriteUInt16BigEndian(sa6.AsSpan(2), (ushort)port);
            address.TryWriteBytes(sa6.AsSpan(8, 16), out _);
            MemoryMarshal.Write(sa6.AsSpan(24), (uint)address.ScopeId);
            return sa6;
        }
        // struct sockaddr_in { sa_family_t family; in_port_t port; struct in_addr addr; char zero[8]; }
        var sa = GC.AllocateArray<byte>(16, pinned: true);
        MemoryMarshal.Write(sa, (ushort)Libc.AF_INET);
        BinaryPrimitives.WriteUInt16BigEndian(sa.AsSpan(2), (ushort)port);
        address.TryWriteBytes(sa.AsSpan(4, 4), out _);
        return sa;
    }
}
