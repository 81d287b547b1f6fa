// The PROXY protocol header parser from bytes (HAProxy's proxy-protocol.txt): each valid header whole, one
// byte at a time (need more until its last byte) and with the proxied stream after it (left unconsumed);
// each invalid one refused whole and byte by byte; and properties over random and mutated input.
using System.Net;
using FsCheck;
using FsCheck.Fluent;
using Skein.Http.Proxy;

namespace Skein.Http.Tests.Proxy;

public sealed class ProxyHeaderParserTests
{
    private static readonly byte[] Request = "GET / HTTP/1.1\r\nHost: h\r\n\r\n"u8.ToArray();

    public static TheoryData<ProxyCases.Valid> Valid => [.. ProxyCases.ValidCases];

    public static TheoryData<ProxyCases.Invalid> Invalid => [.. ProxyCases.InvalidCases];

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_header_read_whole_names_its_client(ProxyCases.Valid c)
    {
        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.TryParse(c.Bytes, out var header, out var consumed, out var rejection));
        Assert.Null(rejection);
        Assert.Equal(c.Bytes.Length, consumed);
        AssertSays(c, header);
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_header_fed_byte_by_byte_needs_more_until_its_last_byte(ProxyCases.Valid c)
    {
        for (var length = 0; length < c.Bytes.Length; length++)
        {
            Assert.Equal(ProxyParseStatus.NeedMoreData, ProxyHeaderParser.TryParse(c.Bytes.AsSpan(0, length), out _, out _, out _));
        }
        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.TryParse(c.Bytes, out var header, out _, out _));
        AssertSays(c, header);
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public void Bytes_after_the_header_are_left_for_HTTP(ProxyCases.Valid c)
    {
        byte[] stream = [.. c.Bytes, .. Request];
        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.TryParse(stream, out var header, out var consumed, out _));
        Assert.Equal(c.Bytes.Length, consumed);
        Assert.Equal(Request, stream[consumed..]);
        AssertSays(c, header);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_header_is_refused_whole_and_byte_by_byte(ProxyCases.Invalid c)
    {
        Assert.Equal(ProxyParseStatus.Rejected, ProxyHeaderParser.TryParse(c.Bytes, out _, out _, out var rejection));
        Assert.False(string.IsNullOrEmpty(rejection));
        var refused = false;
        for (var length = 0; length <= c.Bytes.Length; length++)
        {
            var status = ProxyHeaderParser.TryParse(c.Bytes.AsSpan(0, length), out _, out _, out _);
            Assert.NotEqual(ProxyParseStatus.Complete, status);
            Assert.False(refused && status != ProxyParseStatus.Rejected, "a refusal must be final");
            refused |= status == ProxyParseStatus.Rejected;
        }
    }

    [Fact]
    public void Plain_HTTP_is_refused_from_its_first_byte()
        => Assert.Equal(ProxyParseStatus.Rejected, ProxyHeaderParser.TryParse("G"u8, out _, out _, out _));

    [Fact]
    public void Empty_input_needs_more()
        => Assert.Equal(ProxyParseStatus.NeedMoreData, ProxyHeaderParser.TryParse([], out _, out _, out _));

    [Fact]
    public void Every_seed_and_case_keeps_the_fuzz_target_s_invariants()
    {
        foreach (var (_, bytes) in FuzzSeeds.For("proxy"))
        {
            FuzzTargets.Proxy(bytes);
        }
    }

    [Fact]
    public void Random_bytes_after_a_signature_keep_the_invariants()
    {
        var starts = Gen.Elements<byte[]>([], "PROXY "u8.ToArray(), "PROXY TCP4 "u8.ToArray(), "PROXY UNKNOWN"u8.ToArray(),
            ProxyCases.V2Signature, [.. ProxyCases.V2Signature, 0x21], [.. ProxyCases.V2Signature, 0x21, 0x11, 0x00]);
        var inputs = starts.SelectMany(start => Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>()), (start, tail) => (byte[])[.. start, .. tail]);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), Prop.ForAll(inputs.ToArbitrary(), input => FuzzTargets.Proxy(input)));
    }

    [Fact]
    public void Mutated_valid_headers_keep_the_invariants()
    {
        var mutations = Gen.Elements(ProxyCases.ValidCases.Select(c => c.Bytes).ToArray())
            .SelectMany(bytes => Gen.Choose(0, bytes.Length - 1).Two().SelectMany(_ => ArbMap.Default.GeneratorFor<byte>(), (at, value) => (at, value)),
                (bytes, m) =>
                {
                    var copy = bytes.ToArray();
                    copy[m.at.Item1] = m.value;
                    return copy[..(m.at.Item2 + 1)].Concat(copy[(m.at.Item2 + 1)..]).ToArray();
                });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), Prop.ForAll(mutations.ToArbitrary(), input => FuzzTargets.Proxy(input)));
    }

    private static void AssertSays(ProxyCases.Valid c, ProxyHeader header)
    {
        Assert.Equal(c.Version, header.Version);
        Assert.Equal(c.Local ? ProxyCommand.Local : ProxyCommand.Proxy, header.Command);
        Assert.Equal(c.Source, header.Source?.ToString());
        Assert.Equal(c.Destination, header.Destination?.ToString());
    }
}
