// The Date line (RFC 9110 §6.6.1): IMF-fixdate from the TimeProvider, reformatted only when the second changes.
using System.Text;
using Skein.Http.Writing;

namespace Skein.Http.Tests.Writing;

public sealed class DateHeaderCacheTests
{
    [Fact]
    public void Formats_IMF_fixdate_in_GMT_whatever_the_offset()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 3, 1, 23, 59, 59, TimeSpan.FromHours(-5)));
        var cache = new DateHeaderCache(time);
        Assert.Equal("Date: Mon, 02 Mar 2026 04:59:59 GMT\r\n", Encoding.ASCII.GetString(cache.Line));
    }

    [Fact]
    public void Changes_with_the_second_and_not_within_it()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var time = new ManualTime(start.AddMilliseconds(100));
        var cache = new DateHeaderCache(time);
        var first = Encoding.ASCII.GetString(cache.Line);
        time.Now = start.AddMilliseconds(900);
        Assert.Equal(first, Encoding.ASCII.GetString(cache.Line));
        time.Now = start.AddSeconds(1);
        Assert.Equal("Date: Thu, 01 Jan 2026 00:00:01 GMT\r\n", Encoding.ASCII.GetString(cache.Line));
    }
}
