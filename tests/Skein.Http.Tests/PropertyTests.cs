// FsCheck properties of the core (our guard page): any split of a stream parses exactly as the whole
// stream does, and arbitrary or mutated bytes end in requests or an HttpProtocolException, never another
// exception, and the same outcome however they are split.
using FsCheck;
using FsCheck.Fluent;
using Skein.Testing;

namespace Skein.Http.Tests;

public sealed class PropertyTests
{
    // Requests that keep the connection open, so any of them can be followed by another.
    private static readonly byte[][] Persistent =
        [.. HttpCases.Valid.Where(c => c.KeepAlive).Select(c => HttpCases.Bytes(c.Raw))];

    private static Config Runs(int count) => Config.QuickThrowOnFailure.WithMaxTest(count);

    private static FeedOutcome Run(byte[] stream, IEnumerable<int> cuts) => FeedOutcome.Of(stream, cuts);

    private static Gen<int[]> CutsOf(int length) =>
        Gen.ArrayOf(Gen.Choose(0, length)).Select(cuts => cuts.Distinct().Order().ToArray());

    private static Gen<byte[]> ValidStreams =>
        Gen.Choose(1, 4)
            .SelectMany(count => Gen.ArrayOf(Gen.Elements(Persistent), count))
            .Select(parts => parts.SelectMany(p => p).ToArray());

    [Fact]
    public void Any_split_of_a_valid_stream_parses_like_the_whole()
    {
        var cases = ValidStreams.SelectMany(stream => CutsOf(stream.Length), (stream, cuts) => (stream, cuts));
        Check.One(Runs(300), Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var whole = Run(c.stream, []);
            var split = Run(c.stream, c.cuts);
            return whole == split && whole.Ending == "open" && whole.Requests.Length > 0;
        }));
    }

    [Fact]
    public void Byte_by_byte_equals_whole_for_every_valid_case()
    {
        foreach (var stream in Persistent)
        {
            Assert.Equal(Run(stream, []), Run(stream, Enumerable.Range(1, stream.Length - 1)));
        }
    }

    // Bytes that matter to an HTTP parser, weighted so random input sometimes gets past the request line.
    private static readonly Gen<byte> InterestingByte = Gen.OneOf(
        Gen.Elements("\r\n :;,/?*\t\0\u007f\u00ff0123456789aAfFzZ-.\"=%[]@#"u8.ToArray()),
        Gen.Choose(0, 255).Select(b => (byte)b));

    [Fact]
    public void Random_bytes_give_requests_or_a_protocol_error()
    {
        var prefixes = new[] { "", "GET / HTTP/1.1\r\n", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\n" };
        var cases = Gen.Elements(prefixes)
            .SelectMany(_ => Gen.ArrayOf(InterestingByte), (prefix, tail) => HttpCases.Bytes(prefix).Concat(tail).ToArray())
            .SelectMany(stream => CutsOf(stream.Length), (stream, cuts) => (stream, cuts));
        Check.One(Runs(1000), Prop.ForAll(cases.ToArbitrary(), c => Run(c.stream, c.cuts) == Run(c.stream, [])));
    }

    private static Gen<byte[]> Mutate(byte[] original) =>
        Gen.Choose(1, 4).SelectMany(count => Gen.ArrayOf(Mutation(), count), (_, mutations) =>
        {
            var bytes = new List<byte>(original);
            foreach (var (kind, at, value) in mutations)
            {
                var i = bytes.Count == 0 ? 0 : at % bytes.Count;
                switch (kind)
                {
                    case 0 when bytes.Count > 0: bytes[i] = value; break;
                    case 1 when bytes.Count > 0: bytes.RemoveAt(i); break;
                    case 2: bytes.Insert(i, value); break;
                    default: bytes.InsertRange(i, bytes.Skip(i).Take(value % 16)); break;
                }
            }
            return bytes.ToArray();
        });

    private static Gen<(int Kind, int At, byte Value)> Mutation() =>
        Gen.Choose(0, 3).SelectMany(_ => Gen.Choose(0, int.MaxValue), (kind, at) => (kind, at))
            .SelectMany(_ => InterestingByte, (ka, value) => (ka.kind, ka.at, value));

    [Fact]
    public void Mutated_requests_give_requests_or_a_protocol_error_however_split()
    {
        var cases = ValidStreams.SelectMany(Mutate)
            .SelectMany(stream => CutsOf(stream.Length), (stream, cuts) => (stream, cuts));
        Check.One(Runs(1000), Prop.ForAll(cases.ToArbitrary(), c => Run(c.stream, c.cuts) == Run(c.stream, [])));
    }
}
