// Security tests: every way of naming a file outside the root, by path tricks or by symbolic links, is
// refused, and the secret placed beside the root never appears in any part of any response.
using System.Text;
using Skein.App.Tests.Support;
using Skein.Http.Application;

namespace Skein.App.Tests.StaticFiles;

public sealed class TraversalTests : IDisposable
{
    private readonly TestSite _site = new();

    public TraversalTests()
    {
        _site.Write("docs/index.html", "docs");
        _site.Write("ok.txt", "fine");
    }

    public void Dispose() => _site.Dispose();

    /// <summary>Request-targets that try to leave the root; shared with the loopback tests.</summary>
    public static readonly string[] AttackTargets =
    [
        "/../secret.txt",
        "/../../secret.txt",
        "/docs/../../secret.txt",
        "/./../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%2fsecret.txt",
        "/..%2Fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/docs/..%5c..%5csecret.txt",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/%c0%af../secret.txt",
        "/ok.txt%00/../../secret.txt",
        "/secret.txt%00.html",
        "//../secret.txt",
        "/docs//../../secret.txt",
        "/outside/secret.txt",
        "/../outside/secret.txt",
        "http://test/../secret.txt",
        "http://test/%2e%2e/secret.txt",
        "/%",
        "/%zz",
        "/%ff",
    ];

    public static TheoryData<string> Attacks => new(AttackTargets);

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Path_tricks_never_reach_the_secret(string target)
    {
        var handler = _site.Create();
        foreach (var method in new[] { "GET", "HEAD" })
        {
            var response = await SendOrRejectAsync(handler, $"{method} {target} HTTP/1.1\r\nHost: test\r\n\r\n");
            if (response is null)
            {
                continue; // the core refused the request line itself: nothing reached the handler
            }
            Assert.True(response.Status is 400 or 404, $"{method} {target} answered {response.Status}");
            await AssertNoSecretAsync(response);
        }
    }

    [Theory]
    [InlineData("/docs/../ok.txt", "fine")]
    [InlineData("/docs/%2e%2E/ok.txt", "fine")]
    [InlineData("/docs/./index.html", "docs")]
    [InlineData("/ok.txt/../docs/.", "docs")]
    [InlineData("/docs/sub/..", "docs")]
    public async Task Dot_segments_inside_the_root_are_removed_before_the_lookup(string target, string content)
    {
        var response = await _site.Create().GetAsync(target);
        Assert.Equal(200, response.Status);
        Assert.Equal(content, await Requests.ReadTextAsync(response));
    }

    [Fact]
    public async Task A_directory_reached_through_dot_segments_redirects_to_its_normal_form()
    {
        var response = await _site.Create().GetAsync("/ok.txt/../docs?x=1");
        Assert.Equal(301, response.Status);
        Assert.Equal("/docs/?x=1", response.Headers.Get("Location"));
    }

    [Theory]
    [InlineData("/docs/../../secret.txt")]
    [InlineData("/%2e%2e/secret.txt")]
    [InlineData("/docs/.%2E/%2E./secret.txt")]
    public void Dot_segments_above_the_root_never_reach_the_handler(string target)
    {
        var error = Assert.Throws<Skein.Http.HttpProtocolException>(() => Requests.Get(target));
        Assert.Equal(Skein.Http.RejectReason.PathAboveRoot, error.Reason);
        Assert.Equal(400, error.Status);
    }

    [Fact]
    public async Task Symbolic_links_leaving_the_root_are_refused()
    {
        File.CreateSymbolicLink(Path.Combine(_site.Root, "secret-link.txt"), Path.Combine(_site.Base, "secret.txt"));
        File.CreateSymbolicLink(Path.Combine(_site.Root, "relative-link.txt"), "../secret.txt");
        Directory.CreateSymbolicLink(Path.Combine(_site.Root, "link-out"), Path.Combine(_site.Base, "outside"));
        Directory.CreateSymbolicLink(Path.Combine(_site.Root, "docs", "up"), "..");
        Directory.CreateSymbolicLink(Path.Combine(_site.Root, "docs", "upup"), "../..");
        File.CreateSymbolicLink(Path.Combine(_site.Root, "chain1"), "chain2");
        File.CreateSymbolicLink(Path.Combine(_site.Root, "chain2"), "docs/upup/secret.txt");
        File.CreateSymbolicLink(Path.Combine(_site.Root, "loop"), "loop");
        var handler = _site.Create();

        foreach (var target in new[] { "/secret-link.txt", "/relative-link.txt", "/link-out/secret.txt", "/link-out/", "/link-out",
                     "/docs/upup/secret.txt", "/docs/up/up/../secret.txt", "/chain1", "/loop", "/docs/up/docs/upup/outside/secret.txt" })
        {
            var response = await SendOrRejectAsync(handler, $"GET {target} HTTP/1.1\r\nHost: test\r\n\r\n");
            if (response is null)
            {
                continue;
            }
            Assert.True(response.Status is 400 or 404, $"{target} answered {response.Status}");
            await AssertNoSecretAsync(response);
        }
    }

    [Fact]
    public async Task Symbolic_links_inside_the_root_are_followed()
    {
        File.CreateSymbolicLink(Path.Combine(_site.Root, "alias.txt"), "ok.txt");
        Directory.CreateSymbolicLink(Path.Combine(_site.Root, "docs", "up"), "..");
        var handler = _site.Create();
        Assert.Equal("fine", await Requests.ReadTextAsync(await handler.GetAsync("/alias.txt")));
        Assert.Equal("fine", await Requests.ReadTextAsync(await handler.GetAsync("/docs/up/ok.txt")));
    }

    [Fact]
    public async Task A_link_swapped_to_point_outside_is_refused_at_revalidation()
    {
        var link = Path.Combine(_site.Root, "swap.txt");
        File.CreateSymbolicLink(link, "ok.txt");
        var handler = _site.Create();
        Assert.Equal(200, (await handler.GetAsync("/swap.txt")).Status);

        File.Delete(link);
        File.CreateSymbolicLink(link, Path.Combine(_site.Base, "secret.txt"));
        _site.Time.Advance(TimeSpan.FromSeconds(2));
        var response = await handler.GetAsync("/swap.txt");
        Assert.Equal(404, response.Status);
        await AssertNoSecretAsync(response);
    }

    [Fact]
    public async Task A_root_reached_through_a_link_still_confines()
    {
        var linkedRoot = Path.Combine(_site.Base, "root-link");
        Directory.CreateSymbolicLink(linkedRoot, _site.Root);
        var handler = SiteApplication.Create(new SiteOptions { Root = linkedRoot, TimeProvider = _site.Time });
        Assert.Equal(200, (await handler.GetAsync("/ok.txt")).Status);
        foreach (var target in new[] { "/../secret.txt", "/..%2fsecret.txt" })
        {
            var response = await SendOrRejectAsync(handler, $"GET {target} HTTP/1.1\r\nHost: test\r\n\r\n");
            if (response is null)
            {
                continue; // the core refused a path above the root
            }
            Assert.True(response.Status is 400 or 404);
            await AssertNoSecretAsync(response);
        }
    }

    private static async Task<HttpResponse?> SendOrRejectAsync(IHttpHandler handler, string raw)
    {
        HttpRequest request;
        try
        {
            request = Requests.Parse(raw);
        }
        catch (Skein.Http.HttpProtocolException)
        {
            return null;
        }
        return await handler.SendAsync(request);
    }

    private static async Task AssertNoSecretAsync(HttpResponse response)
    {
        var text = Encoding.Latin1.GetString(await Requests.ReadBodyAsync(response));
        Assert.DoesNotContain(TestSite.Secret, text);
        for (var i = 0; i < response.Headers.Count; i++)
        {
            Assert.DoesNotContain(TestSite.Secret, response.Headers[i].Value);
        }
        if (response.Body is FileBody file)
        {
            Assert.Fail($"A file body was returned for a refused path: {file.Path}");
        }
    }
}
