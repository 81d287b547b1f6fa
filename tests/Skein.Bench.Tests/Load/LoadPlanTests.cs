// Tests of the request `skein bench` sends: the bytes on the wire for keep-alive, --close and -H.
using System.Text;
using Skein.Bench.Load;

namespace Skein.Bench.Tests.Load;

public sealed class LoadPlanTests
{
    [Fact]
    public void Default_request_is_a_get_with_host_and_keep_alive()
    {
        var bytes = LoadPlan.BuildRequest(new LoadSettings { Url = new Uri("http://127.0.0.1:8085/a/b?c=d") });
        Assert.Equal("GET /a/b?c=d HTTP/1.1\r\nHost: 127.0.0.1:8085\r\n\r\n", Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public void Close_mode_and_extra_headers_are_sent_and_a_given_host_replaces_the_url_s()
    {
        var bytes = LoadPlan.BuildRequest(new LoadSettings
        {
            Url = new Uri("http://127.0.0.1:8085/"), KeepAlive = false, Headers = ["Host: example.test", "X-Trace: 1"],
        });
        Assert.Equal("GET / HTTP/1.1\r\nHost: example.test\r\nX-Trace: 1\r\nConnection: close\r\n\r\n", Encoding.ASCII.GetString(bytes));
    }

    [Theory]
    [InlineData("NoColon")]
    [InlineData("X: a\r\nY: b")]
    public void Malformed_headers_are_rejected(string header)
    {
        var settings = new LoadSettings { Url = new Uri("http://127.0.0.1:8085/"), Headers = [header] };
        Assert.Throws<ArgumentException>(settings.Validate);
    }
}
