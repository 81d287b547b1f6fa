// Handler-level tests of validators and preconditions (RFC 9110 §13), in the evaluation order of §13.2.2.
using Skein.App.Tests.Support;
using Skein.Http.Application;
using Skein.Http.Semantics;

namespace Skein.App.Tests.StaticFiles;

public sealed class ConditionalRequestTests : IDisposable
{
    private static readonly DateTime Modified = new(2025, 3, 4, 5, 6, 7, DateTimeKind.Utc);
    private readonly TestSite _site = new();
    private readonly IHttpHandler _handler;
    private readonly string _etag;
    private readonly string _lastModified;

    public ConditionalRequestTests()
    {
        var path = _site.Write("page.html", "<p>the page</p>");
        File.SetLastWriteTimeUtc(path, Modified.AddMilliseconds(250));
        _handler = _site.Create();
        var response = _handler.GetAsync("/page.html").GetAwaiter().GetResult();
        _etag = response.Headers.Get("ETag")!;
        _lastModified = response.Headers.Get("Last-Modified")!;
    }

    public void Dispose() => _site.Dispose();

    [Fact]
    public void Last_modified_is_the_file_time_in_whole_seconds()
    {
        Assert.Equal("Tue, 04 Mar 2025 05:06:07 GMT", _lastModified);
    }

    [Theory]
    [InlineData("{0}")]
    [InlineData("W/{0}")]
    [InlineData("\"other\", {0}")]
    [InlineData("*")]
    public async Task If_none_match_that_matches_is_304(string field)
    {
        var response = await Get($"If-None-Match: {string.Format(field, _etag)}");
        Assert.Equal(304, response.Status);
        Assert.Equal(_etag, response.Headers.Get("ETag"));
        Assert.Equal(_lastModified, response.Headers.Get("Last-Modified"));
        Assert.Equal(0, response.Body.Length);
    }

    [Fact]
    public async Task If_none_match_that_differs_is_200()
    {
        Assert.Equal(200, (await Get("If-None-Match: \"stale\"")).Status);
    }

    [Fact]
    public async Task If_none_match_on_head_is_304_too()
    {
        Assert.Equal(304, (await _handler.SendAsync(Requests.Make("HEAD", "/page.html", $"If-None-Match: {_etag}"))).Status);
    }

    [Theory]
    [InlineData("Tue, 04 Mar 2025 05:06:07 GMT", 304)]
    [InlineData("Wed, 05 Mar 2025 00:00:00 GMT", 304)]
    [InlineData("Tuesday, 04-Mar-25 05:06:07 GMT", 304)]
    [InlineData("Tue Mar  4 05:06:07 2025", 304)]
    [InlineData("Tue, 04 Mar 2025 05:06:06 GMT", 200)]
    [InlineData("not a date", 200)]
    public async Task If_modified_since_compares_whole_seconds(string date, int status)
    {
        Assert.Equal(status, (await Get($"If-Modified-Since: {date}")).Status);
    }

    [Fact]
    public async Task If_none_match_takes_precedence_over_if_modified_since()
    {
        // §13.1.3: If-Modified-Since is ignored when If-None-Match is present.
        var response = await Get("If-None-Match: \"stale\"", $"If-Modified-Since: {_lastModified}");
        Assert.Equal(200, response.Status);
    }

    [Theory]
    [InlineData("{0}", 200)]
    [InlineData("\"a\", {0}", 200)]
    [InlineData("*", 200)]
    [InlineData("\"stale\"", 412)]
    [InlineData("W/{0}", 412)]
    public async Task If_match_uses_strong_comparison(string field, int status)
    {
        Assert.Equal(status, (await Get($"If-Match: {string.Format(field, _etag)}")).Status);
    }

    [Theory]
    [InlineData("Tue, 04 Mar 2025 05:06:06 GMT", 412)]
    [InlineData("Tue, 04 Mar 2025 05:06:07 GMT", 200)]
    [InlineData("garbage", 200)]
    public async Task If_unmodified_since_fails_for_a_newer_file(string date, int status)
    {
        Assert.Equal(status, (await Get($"If-Unmodified-Since: {date}")).Status);
    }

    [Fact]
    public async Task If_unmodified_since_is_ignored_when_if_match_is_present()
    {
        var response = await Get($"If-Match: {_etag}", "If-Unmodified-Since: Mon, 01 Jan 2001 00:00:00 GMT");
        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task A_failed_if_match_wins_over_a_matching_if_none_match()
    {
        // §13.2.2 step 1 comes before step 3.
        var response = await Get("If-Match: \"stale\"", $"If-None-Match: {_etag}");
        Assert.Equal(412, response.Status);
    }

    [Fact]
    public async Task A_304_wins_over_a_range()
    {
        var response = await Get($"If-None-Match: {_etag}", "Range: bytes=0-1");
        Assert.Equal(304, response.Status);
    }

    [Fact]
    public async Task The_etag_changes_with_the_file()
    {
        var path = Path.Combine(_site.Root, "page.html");
        File.WriteAllText(path, "<p>the page, edited</p>");
        _site.Time.Advance(TimeSpan.FromSeconds(5));
        var response = await Get($"If-None-Match: {_etag}");
        Assert.Equal(200, response.Status);
        Assert.NotEqual(_etag, response.Headers.Get("ETag"));
        Assert.True(EntityTag.IsValid(System.Text.Encoding.ASCII.GetBytes(response.Headers.Get("ETag")!)));
    }

    private Task<HttpResponse> Get(params string[] headers) => _handler.GetAsync("/page.html", headers);
}
