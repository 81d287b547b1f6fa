// The chunked decoder on its own (RFC 9112 §7.1): data comes out as slices of the input without copying,
// framing is consumed, and the decoder stops exactly after the trailer section.
using System.Buffers;
using System.Text;
using Skein.Http.Parsing;

namespace Skein.Http.Tests.Parsing;

public sealed class ChunkedDecoderTests
{
    private static (string Body, BodyReadStatus Last, long Consumed) Decode(string wire, HttpLimits? limits = null)
    {
        var decoder = new ChunkedDecoder();
        var bytes = Encoding.Latin1.GetBytes(wire);
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        var body = new StringBuilder();
        BodyReadStatus status;
        while ((status = decoder.Read(ref reader, out var data, limits ?? HttpLimits.Default)) == BodyReadStatus.Data)
        {
            body.Append(Encoding.Latin1.GetString(data.ToArray()));
        }
        return (body.ToString(), status, reader.Consumed);
    }

    [Fact]
    public void Decodes_chunks_and_stops_after_the_final_CRLF()
    {
        var (body, last, consumed) = Decode("3\r\nabc\r\n1\r\nd\r\n0\r\n\r\nrest");
        Assert.Equal("abcd", body);
        Assert.Equal(BodyReadStatus.End, last);
        Assert.Equal(19, consumed);
    }

    [Fact]
    public void Data_is_a_slice_of_the_input_not_a_copy()
    {
        var bytes = "5\r\nhello\r\n0\r\n\r\n"u8.ToArray();
        var decoder = new ChunkedDecoder();
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        Assert.Equal(BodyReadStatus.Data, decoder.Read(ref reader, out var data, HttpLimits.Default));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data.First, out var segment));
        Assert.Same(bytes, segment.Array);
        Assert.Equal(3, segment.Offset);
    }

    [Fact]
    public void Incomplete_input_asks_for_more_and_resumes()
    {
        var (body, last, _) = Decode("5\r\nhel");
        Assert.Equal("hel", body);
        Assert.Equal(BodyReadStatus.NeedMoreData, last);
    }

    [Theory]
    [InlineData("5 ;ext\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;a=1;b=\"x y\"\r\nhello\r\n0\r\n\r\n")]
    [InlineData("000005\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5\r\nhello\r\n0\r\nA: 1\r\nB:\r\n\r\n")]
    public void Extensions_leading_zeros_and_trailers_are_accepted(string wire)
    {
        var (body, last, _) = Decode(wire);
        Assert.Equal("hello", body);
        Assert.Equal(BodyReadStatus.End, last);
    }

    [Theory]
    [InlineData("5\rhello\r\n0\r\n\r\n", "bare CR after size")]
    [InlineData("5;\u0001\r\nhello\r\n0\r\n\r\n", "control in extension")]
    [InlineData("5\r\nhelloX\r\n0\r\n\r\n", "data overruns its size")]
    [InlineData("5\r\nhello\r\n0\r\n A: 1\r\n\r\n", "folded trailer")]
    [InlineData("5\r\nhello\r\n0\r\nA: \0\r\n\r\n", "NUL in trailer")]
    [InlineData("5\r\nhello\r\n0\r\n\r\r", "final CR without LF")]
    [InlineData("x\r\n", "not hex")]
    public void Malformed_framing_is_a_400(string wire, string label)
    {
        var error = Assert.Throws<HttpProtocolException>(() => Decode(wire));
        Assert.True(error.Status == 400, label);
    }
}
