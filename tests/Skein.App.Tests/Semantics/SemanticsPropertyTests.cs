// FsCheck properties of the RFC 9110 field parsers: arbitrary bytes never throw, results stay in bounds, and
// percent-encoding any file-name bytes decodes back to them. The example-based tests sit beside this file.
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Skein.Http.Semantics;

namespace Skein.App.Tests.Semantics;

public sealed class SemanticsPropertyTests
{
    private static Config Runs(int count) => Config.QuickThrowOnFailure.WithMaxTest(count);

    // Bytes biased towards the characters these grammars use, so the parsers get past their first check.
    private static Gen<byte[]> FieldBytes =>
        Gen.ArrayOf(Gen.OneOf(
            Gen.Elements("bytes=-,0123456789 ;q.W/\"*gzipbr%2Ff:GMTNovSun"u8.ToArray()),
            Gen.Choose(0, 255).Select(i => (byte)i)));

    [Fact]
    public void Range_parsing_never_throws_and_stays_inside_the_file()
    {
        var cases = FieldBytes.SelectMany(_ => Gen.Choose(0, 5000), (field, length) => (field, length));
        Check.One(Runs(2000), Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var field = Encoding.ASCII.GetBytes("bytes=").Concat(c.field).ToArray();
            var kind = RangeHeader.Parse(field, c.length, out var range);
            return kind != RangeKind.Satisfiable
                || (range.Start >= 0 && range.Length > 0 && range.End < c.length && range.CompleteLength == c.length);
        }));
    }

    [Fact]
    public void Well_formed_ranges_are_satisfied_exactly()
    {
        var cases = Gen.Choose(1, 10_000).SelectMany(
            length => Gen.Choose(0, 20_000).SelectMany(first => Gen.Choose(first, 30_000), (first, last) => (first, last)),
            (length, pair) => (length, pair.first, pair.last));
        Check.One(Runs(2000), Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var kind = RangeHeader.Parse(Encoding.ASCII.GetBytes($"bytes={c.first}-{c.last}"), c.length, out var range);
            return c.first >= c.length
                ? kind == RangeKind.Unsatisfiable
                : kind == RangeKind.Satisfiable && range.Start == c.first && range.End == Math.Min(c.last, c.length - 1);
        }));
    }

    [Fact]
    public void Field_parsers_never_throw_on_arbitrary_bytes()
    {
        Check.One(Runs(3000), Prop.ForAll(FieldBytes.ToArbitrary(), bytes =>
        {
            var dated = HttpDate.TryParse(bytes, out var date);
            EntityTag.ListMatches(bytes, "\"abc\""u8, EntityTagComparison.Weak);
            EntityTag.ListMatches(bytes, "W/\"abc\""u8, EntityTagComparison.Strong);
            EntityTag.IsValid(bytes);
            var coding = AcceptEncoding.Negotiate(bytes, ContentCodings.All);
            var decoded = new byte[bytes.Length];
            var status = PercentDecoding.TryDecodePath(bytes, decoded, out var written);
            return (!dated || date.Offset == TimeSpan.Zero) && Enum.IsDefined(coding) && written <= bytes.Length && (status != PathDecodeStatus.Ok || decoded.AsSpan(0, written).IndexOf((byte)0) < 0);
        }));
    }

    [Fact]
    public void Percent_encoding_any_name_bytes_decodes_back_to_them()
    {
        var nameBytes = Gen.ArrayOf(Gen.Choose(1, 255).Where(b => b != '/' && b != '\\').Select(b => (byte)b));
        Check.One(Runs(2000), Prop.ForAll(nameBytes.ToArbitrary(), original =>
        {
            var encoded = Encoding.ASCII.GetBytes(string.Concat(original.Select(b => $"%{b:X2}")));
            var decoded = new byte[encoded.Length];
            return PercentDecoding.TryDecodePath(encoded, decoded, out var written) == PathDecodeStatus.Ok
                && decoded.AsSpan(0, written).SequenceEqual(original);
        }));
    }

    [Fact]
    public void Any_instant_formats_and_parses_back_to_its_second()
    {
        var seconds = Gen.Choose(0, int.MaxValue).Select(s => DateTimeOffset.UnixEpoch.AddSeconds(s));
        Check.One(Runs(2000), Prop.ForAll(seconds.ToArbitrary(), instant =>
        {
            var text = new byte[HttpDate.Length];
            HttpDate.Format(instant, text);
            return HttpDate.TryParse(text, out var parsed) && parsed == instant;
        }));
    }
}
