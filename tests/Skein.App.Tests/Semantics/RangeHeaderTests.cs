// Tests of Range parsing for the bytes unit (RFC 9110 §14.1.2, §14.2). Pure.
using System.Text;
using Skein.Http.Semantics;

namespace Skein.App.Tests.Semantics;

public sealed class RangeHeaderTests
{
    [Theory]
    [InlineData("bytes=0-499", 1000, 0, 500)]
    [InlineData("bytes=500-999", 1000, 500, 500)]
    [InlineData("bytes=500-", 1000, 500, 500)]
    [InlineData("bytes=-200", 1000, 800, 200)]
    [InlineData("bytes=-5000", 1000, 0, 1000)]
    [InlineData("bytes=900-5000", 1000, 900, 100)]
    [InlineData("bytes=999-999", 1000, 999, 1)]
    [InlineData("Bytes=0-0", 1000, 0, 1)]
    [InlineData("bytes= 0-9 ", 1000, 0, 10)]
    [InlineData("bytes=0-9,", 1000, 0, 10)]
    [InlineData("bytes=0-99999999999999999999999", 10, 0, 10)]
    public void Resolves_one_satisfiable_range(string field, long length, long start, long count)
    {
        Assert.Equal(RangeKind.Satisfiable, RangeHeader.Parse(Encoding.ASCII.GetBytes(field), length, out var range));
        Assert.Equal(new ByteRange(start, count, length), range);
    }

    [Theory]
    [InlineData("bytes=1000-", 1000)]
    [InlineData("bytes=1000-2000", 1000)]
    [InlineData("bytes=-0", 1000)]
    [InlineData("bytes=0-", 0)]
    [InlineData("bytes=-10", 0)]
    [InlineData("bytes=99999999999999999999999-", 1000)]
    public void Reports_unsatisfiable(string field, long length)
    {
        Assert.Equal(RangeKind.Unsatisfiable, RangeHeader.Parse(Encoding.ASCII.GetBytes(field), length, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("items=0-9")]
    [InlineData("bytes=")]
    [InlineData("bytes=9-0")]
    [InlineData("bytes=a-b")]
    [InlineData("bytes=0-1,5-6")]
    [InlineData("bytes=-")]
    [InlineData("bytes=5")]
    [InlineData("bytes=+5-9")]
    [InlineData("bytes=0x10-")]
    public void Ignores_invalid_foreign_and_multiple(string field)
    {
        Assert.Equal(RangeKind.Ignore, RangeHeader.Parse(Encoding.ASCII.GetBytes(field), 1000, out _));
    }

    [Fact]
    public void Content_range_values()
    {
        Assert.Equal("bytes 0-499/1234", new ByteRange(0, 500, 1234).ToContentRange());
        Assert.Equal("bytes */1234", ByteRange.Unsatisfied(1234));
    }
}
