// A list of address ranges in CIDR notation ("10.0.0.0/8,::1/128"): who may send a PROXY protocol header
// (--proxy-from). Parsing, formatting and membership only; it does not know what the ranges are for.
using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Skein.Http.Proxy;

/// <summary>An immutable list of address ranges. Equal when they list the same ranges in the same order.</summary>
public sealed class AddressRanges : IEquatable<AddressRanges>
{
    private readonly IPNetwork[] _ranges;
    private string? _text; // formatted when first asked (formatting IPv6 is work every worker process paid at start)

    private AddressRanges(IPNetwork[] ranges, string? text = null)
    {
        _ranges = ranges;
        _text = text;
    }

    /// <summary>127.0.0.0/8 and ::1/128: this machine only.</summary>
    public static AddressRanges Loopback { get; } = new([new(new IPAddress([127, 0, 0, 0]), 8), new(IPAddress.IPv6Loopback, 128)], "127.0.0.0/8,::1/128");

    /// <summary>The ranges, in the order given.</summary>
    public IReadOnlyList<IPNetwork> Ranges => _ranges;

    /// <summary>True when <paramref name="address"/> is in one of the ranges. An IPv4 address seen on a dual-mode
    /// socket (<c>::ffff:10.0.0.1</c>) is taken as the IPv4 address it carries.</summary>
    public bool Contains(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        foreach (var range in _ranges)
        {
            if (range.Contains(address))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Parses comma-separated ranges: <c>ADDRESS/PREFIX</c> (10.0.0.0/8; host bits are dropped) or a
    /// single address. False with the reason for anything else, or for an empty list.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out AddressRanges? ranges, [NotNullWhen(false)] out string? error)
    {
        ranges = null;
        var parts = (text ?? "").Split(',', StringSplitOptions.TrimEntries);
        var parsed = new IPNetwork[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (IPNetwork.TryParse(parts[i], out var network))
            {
                parsed[i] = network;
            }
            else if (!parts[i].Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(parts[i], out var address))
            {
                parsed[i] = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            }
            else
            {
                error = $"'{parts[i]}' is not an address or a CIDR range (10.0.0.0/8, 192.168.1.7, ::1/128)";
                return false;
            }
        }
        ranges = new AddressRanges(parsed);
        error = null;
        return true;
    }

    /// <summary>Like <see cref="TryParse"/>; throws <see cref="FormatException"/> instead of returning false.</summary>
    public static AddressRanges Parse(string text)
        => TryParse(text, out var ranges, out var error) ? ranges : throw new FormatException(error);

    /// <summary>The ranges as <see cref="Parse"/> reads them: <c>127.0.0.0/8,::1/128</c>.</summary>
    public override string ToString() => _text ??= string.Join(',', _ranges);

    /// <inheritdoc/>
    public bool Equals(AddressRanges? other) => other is not null && ToString() == other.ToString();

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as AddressRanges);

    /// <inheritdoc/>
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
