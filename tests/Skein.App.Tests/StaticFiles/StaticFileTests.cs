// Handler-level tests of the static-file rules: index pages, the trailing-slash redirect, 404s, methods,
// MIME types, large files, and the metadata cache's revalidation. Requests are parsed from bytes by the core.
using System.Text;
using Skein.App.StaticFiles;
using Skein.App.Tests.Support;
using Skein.Http.Application;

namespace Skein.App.Tests.StaticFiles;

public sealed class StaticFileTests : IDisposable
{
    private readonly TestSite _site = new();

    public void Dispose() => _site.Dispose();

    [Fact]
    public async Task Serves_index_html_for_the_root_with_validators()
    {
        var response = await _site.Create().GetAsync("/");
        Assert.Equal(200, response.Status);
        Assert.Equal("text/html; charset=utf-8", response.Headers.Get("Content-Type"));
        Assert.Equal("bytes", response.Headers.Get("Accept-Ranges"));
        Assert.Matches("^\"[0-9a-f]+-[0-9a-f]+\"$", response.Headers.Get("ETag"));
        var mtime = File.GetLastWriteTimeUtc(Path.Combine(_site.Root, "index.html"));
        Assert.Equal(mtime.ToString("R"), response.Headers.Get("Last-Modified"));
        Assert.Contains("home page", await Requests.ReadTextAsync(response));
    }

    [Fact]
    public async Task Serves_a_directory_index_and_redirects_to_add_the_slash()
    {
        _site.Write("docs/index.html", "docs index");
        var handler = _site.Create();

        var index = await handler.GetAsync("/docs/");
        Assert.Equal(200, index.Status);
        Assert.Equal("docs index", await Requests.ReadTextAsync(index));

        var redirect = await handler.GetAsync("/docs");
        Assert.Equal(301, redirect.Status);
        Assert.Equal("/docs/", redirect.Headers.Get("Location"));

        var withQuery = await handler.GetAsync("/docs?page=2");
        Assert.Equal("/docs/?page=2", withQuery.Headers.Get("Location"));
    }

    [Fact]
    public async Task A_directory_without_index_is_404()
    {
        _site.Write("empty/readme.txt", "not an index");
        var response = await _site.Create().GetAsync("/empty/");
        Assert.Equal(404, response.Status);
        Assert.DoesNotContain("readme", await Requests.ReadTextAsync(response));
    }

    [Theory]
    [InlineData("/missing.html")]
    [InlineData("/index.html/")]
    [InlineData("/nested/missing/")]
    public async Task Missing_paths_are_404(string target)
    {
        Assert.Equal(404, (await _site.Create().GetAsync(target)).Status);
    }

    [Fact]
    public async Task A_custom_404_page_is_served_with_status_404()
    {
        _site.Write("404.html", "<p>custom not found</p>");
        var response = await _site.Create().GetAsync("/nope");
        Assert.Equal(404, response.Status);
        Assert.Equal("text/html; charset=utf-8", response.Headers.Get("Content-Type"));
        Assert.Equal("<p>custom not found</p>", await Requests.ReadTextAsync(response));
    }

    [Theory]
    [InlineData("a.html", "text/html; charset=utf-8")]
    [InlineData("a.css", "text/css; charset=utf-8")]
    [InlineData("a.js", "text/javascript; charset=utf-8")]
    [InlineData("a.mjs", "text/javascript; charset=utf-8")]
    [InlineData("a.json", "application/json; charset=utf-8")]
    [InlineData("a.svg", "image/svg+xml; charset=utf-8")]
    [InlineData("a.txt", "text/plain; charset=utf-8")]
    [InlineData("a.png", "image/png")]
    [InlineData("A.JPG", "image/jpeg")]
    [InlineData("a.gif", "image/gif")]
    [InlineData("a.webp", "image/webp")]
    [InlineData("a.ico", "image/x-icon")]
    [InlineData("a.wasm", "application/wasm")]
    [InlineData("a.pdf", "application/pdf")]
    [InlineData("a.woff2", "font/woff2")]
    [InlineData("a.mp4", "video/mp4")]
    [InlineData("a.webmanifest", "application/manifest+json; charset=utf-8")]
    [InlineData("a.unknownext", "application/octet-stream")]
    [InlineData("Makefile", "application/octet-stream")]
    public async Task Sends_the_media_type_of_the_extension(string name, string contentType)
    {
        _site.Write(name, "x");
        var response = await _site.Create().GetAsync("/" + name);
        Assert.Equal(200, response.Status);
        Assert.Equal(contentType, response.Headers.Get("Content-Type"));
    }

    [Fact]
    public void The_mime_table_covers_the_common_web_types()
    {
        foreach (var extension in new[] { "html", "css", "js", "mjs", "json", "xml", "svg", "png", "jpg", "jpeg", "gif", "webp", "avif", "ico", "wasm", "txt", "md", "csv", "pdf", "zip", "gz", "woff", "woff2", "ttf", "otf", "mp3", "mp4", "webm", "ogg", "wav", "map", "webmanifest" })
        {
            Assert.NotSame(MimeTypes.Default, MimeTypes.For("file." + extension));
        }
        Assert.Same(MimeTypes.Default, MimeTypes.For(".profile"));
    }

    [Fact]
    public async Task Head_gets_the_headers_of_get()
    {
        var handler = _site.Create();
        var get = await handler.GetAsync("/index.html");
        var head = await handler.SendAsync(Requests.Make("HEAD", "/index.html"));
        Assert.Equal(200, head.Status);
        Assert.Equal(get.Body.Length, head.Body.Length);
        Assert.Equal(get.Headers.Get("ETag"), head.Headers.Get("ETag"));
        Assert.Equal(get.Headers.Get("Content-Type"), head.Headers.Get("Content-Type"));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    public async Task Other_methods_on_a_file_are_405_with_allow(string method)
    {
        var response = await _site.Create().SendAsync(Requests.Make(method, "/index.html", "Content-Length: 0"));
        Assert.Equal(405, response.Status);
        Assert.Equal("GET, HEAD, OPTIONS", response.Headers.Get("Allow"));
    }

    [Fact]
    public async Task Options_on_a_file_lists_its_methods()
    {
        var response = await _site.Create().SendAsync(Requests.Make("OPTIONS", "/index.html"));
        Assert.Equal(204, response.Status);
        Assert.Equal("GET, HEAD, OPTIONS", response.Headers.Get("Allow"));
    }

    [Fact]
    public async Task Files_are_found_by_their_decoded_names()
    {
        _site.Write("a b/café.txt", "spaced");
        var response = await _site.Create().GetAsync("/a%20b/caf%C3%A9.txt");
        Assert.Equal(200, response.Status);
        Assert.Equal("spaced", await Requests.ReadTextAsync(response));
    }

    [Fact]
    public async Task Large_files_are_sent_from_disk_in_bounded_memory()
    {
        var content = new byte[300_000];
        new Random(1).NextBytes(content);
        var path = _site.Write("big.bin", content);
        var handler = _site.Create(o => o with { MaxCachedFileBytes = 100_000 });

        var response = await handler.GetAsync("/big.bin");
        var file = Assert.IsType<FileBody>(response.Body);
        Assert.Equal(0, file.Offset);
        Assert.Equal(content.Length, file.Length);
        Assert.Equal(Path.GetFullPath(path), file.Path);
        Assert.Equal(content, await Requests.ReadBodyAsync(response));
    }

    [Fact]
    public async Task Small_files_are_served_from_memory_without_rereading()
    {
        var handler = _site.Create();
        var first = Assert.IsType<BytesBody>((await handler.GetAsync("/index.html")).Body);
        var second = Assert.IsType<BytesBody>((await handler.GetAsync("/index.html")).Body);
        Assert.Same(first, second);
    }

    [Fact]
    public async Task An_edited_file_is_noticed_after_the_revalidation_interval()
    {
        var path = _site.Write("page.txt", "version one");
        var handler = _site.Create();
        var before = await handler.GetAsync("/page.txt");
        Assert.Equal("version one", await Requests.ReadTextAsync(before));

        File.WriteAllText(path, "version two, longer");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        // Within the interval the cached metadata is trusted (nginx's open_file_cache_valid).
        Assert.Equal("version one", await Requests.ReadTextAsync(await handler.GetAsync("/page.txt")));

        _site.Time.Advance(TimeSpan.FromSeconds(2));
        var after = await handler.GetAsync("/page.txt");
        Assert.Equal("version two, longer", await Requests.ReadTextAsync(after));
        Assert.NotEqual(before.Headers.Get("ETag"), after.Headers.Get("ETag"));

        File.Delete(path);
        _site.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(404, (await handler.GetAsync("/page.txt")).Status);
    }

    [Fact]
    public async Task Dotfiles_are_hidden_but_well_known_is_served()
    {
        _site.Write(".env", "PASSWORD=hunter2");
        _site.Write(".git/config", "[core]");
        _site.Write(".well-known/security.txt", "Contact: mailto:security@example.com");
        var handler = _site.Create();
        Assert.Equal(404, (await handler.GetAsync("/.env")).Status);
        Assert.Equal(404, (await handler.GetAsync("/.git/config")).Status);
        Assert.Equal(404, (await handler.GetAsync("/%2eenv")).Status);
        Assert.Equal(200, (await handler.GetAsync("/.well-known/security.txt")).Status);
    }

    [Fact]
    public async Task The_bundled_site_serves_its_pages_and_assets()
    {
        var www = FindBundledSite();
        var handler = SiteApplication.Create(new SiteOptions { Root = www });
        foreach (var (target, type) in new[]
        {
            ("/", "text/html; charset=utf-8"), ("/about.html", "text/html; charset=utf-8"), ("/docs/", "text/html; charset=utf-8"),
            ("/style.css", "text/css; charset=utf-8"), ("/img/skein.png", "image/png"), ("/img/skein.svg", "image/svg+xml; charset=utf-8"),
            ("/files/large.bin", "application/octet-stream"),
        })
        {
            var response = await handler.GetAsync(target);
            Assert.True(response.Status == 200, $"{target}: {response.Status}");
            Assert.Equal(type, response.Headers.Get("Content-Type"));
        }
        var png = await Requests.ReadBodyAsync(await handler.GetAsync("/img/skein.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal(404, (await handler.GetAsync("/missing")).Status);
        Assert.InRange((await handler.GetAsync("/files/large.bin")).Body.Length ?? 0, 2_000_000, 5_000_000);
    }

    private static string FindBundledSite()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Skein.sln")))
            {
                return Path.Combine(directory.FullName, "www");
            }
        }
        throw new DirectoryNotFoundException("The repository root (Skein.sln) was not found above the test binaries.");
    }
}
