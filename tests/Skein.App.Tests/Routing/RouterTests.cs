// Tests of routing: endpoints by exact path, 405 with Allow for a known path and a wrong method, OPTIONS for a
// path and for the server (*), that encoded or longer paths fall through to the static files, and that routing
// sees the path after dot-segment removal.
using Skein.App.Tests.Support;

namespace Skein.App.Tests.Routing;

public sealed class RouterTests : IDisposable
{
    private readonly TestSite _site = new();

    public void Dispose() => _site.Dispose();

    [Theory]
    [InlineData("POST", "/io", "GET, HEAD, OPTIONS")]
    [InlineData("DELETE", "/cpu", "GET, HEAD, OPTIONS")]
    [InlineData("PUT", "/notify", "GET, HEAD, POST, OPTIONS")]
    [InlineData("GET", "/echo", "POST, PUT, OPTIONS")]
    public async Task A_known_path_with_another_method_is_405_with_allow(string method, string path, string allow)
    {
        var response = await _site.Create().SendAsync(Requests.Make(method, path, "Content-Length: 0"));
        Assert.Equal(405, response.Status);
        Assert.Equal(allow, response.Headers.Get("Allow"));
    }

    [Fact]
    public async Task Options_on_an_endpoint_lists_its_methods()
    {
        var response = await _site.Create().SendAsync(Requests.Make("OPTIONS", "/echo"));
        Assert.Equal(204, response.Status);
        Assert.Equal("POST, PUT, OPTIONS", response.Headers.Get("Allow"));
    }

    [Fact]
    public async Task Options_star_describes_the_server()
    {
        var response = await _site.Create().SendAsync(Requests.Parse("OPTIONS * HTTP/1.1\r\nHost: test\r\n\r\n"));
        Assert.Equal(204, response.Status);
        Assert.Equal("GET, HEAD, POST, PUT, OPTIONS", response.Headers.Get("Allow"));
    }

    [Theory]
    [InlineData("/io/")]
    [InlineData("/iox")]
    [InlineData("/%69o")]
    public async Task Other_paths_fall_through_to_the_files(string path)
    {
        Assert.Equal(404, (await _site.Create().GetAsync(path)).Status);
    }

    [Theory]
    [InlineData("/files/../waiters")]
    [InlineData("/./waiters")]
    [InlineData("/x/%2E%2e/waiters")]
    public async Task Dot_segments_are_removed_before_routing(string path)
    {
        var response = await _site.Create().GetAsync(path);
        Assert.Equal(200, response.Status);
        Assert.Equal("0\n", await Requests.ReadTextAsync(response));
    }

    [Fact]
    public async Task Head_is_served_wherever_get_is()
    {
        var response = await _site.Create().SendAsync(Requests.Make("HEAD", "/waiters"));
        Assert.Equal(200, response.Status);
    }
}
