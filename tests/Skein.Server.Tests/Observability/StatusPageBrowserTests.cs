// The status page as a person sees it: Debian's chromium (headless, driven by Playwright through its
// executable path; no browser is ever downloaded) opens /skein-status on a hybrid server with two worker
// processes, and while a client keeps sending requests the page's figures (requests, requests per second,
// one row per worker) change in place: the same document, never reloaded.
using System.Globalization;
using Microsoft.Playwright;
using Skein.Testing;

namespace Skein.Server.Tests.Observability;

public sealed class StatusPageBrowserTests
{
    private static readonly string[] Chromiums = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    [Fact]
    public async Task The_status_page_updates_its_figures_in_place_while_load_runs()
    {
        var chromium = Chromiums.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("This test needs Debian's chromium: apt-get install chromium (.ci/run installs it).");
        var folder = Directory.CreateTempSubdirectory("skein-status-page-");
        File.WriteAllText(Path.Combine(folder.FullName, "index.html"), "<p>status page</p>\n");
        await using var server = await SkeinProcess.StartServeAsync("-m", "hybrid", "-w", "2", "-p", "0",
            "-f", folder.FullName, "--status-path", "/skein-status");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"http://127.0.0.1:{server.Port}/skein-status");
        await Deadline.UntilAsync(async () => await page.TextContentAsync("#model") == "hybrid", Deadline.Default, "the page's first update");
        // A mark on this very document: a reload would lose it.
        await page.EvaluateAsync("() => { window.skeinMark = 'same document'; }");
        var before = await RequestsShownAsync(page);

        using var stop = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                Assert.Equal(200, (await RawClient.GetAsync(server.Port, "/")).Status);
            }
        });
        try
        {
            await Deadline.UntilAsync(async () =>
                await RequestsShownAsync(page) >= before + 20 && await page.TextContentAsync("#rps") is { } rps && rps != "0",
                Deadline.Default, "the page to show the requests and a rate while load runs");
        }
        finally
        {
            await stop.CancelAsync();
            await load.WaitAsync(Deadline.Default);
        }

        Assert.Equal("same document", await page.EvaluateAsync<string>("() => window.skeinMark"));
        // One row per worker process, by pid: the two workers, and the warm standby once it has started.
        var pids = await page.Locator("#workers tr td:first-child").AllTextContentsAsync();
        Assert.InRange(pids.Count, 2, 3);
        Assert.All(pids, pid => Assert.True(int.TryParse(pid, CultureInfo.InvariantCulture, out var n) && n > 0, $"a pid, not '{pid}'"));
        Assert.StartsWith("Updated ", await page.TextContentAsync("#state"), StringComparison.Ordinal);
        folder.Delete(recursive: true);
    }

    // The page writes numbers with thousands separators ("12,345").
    private static async Task<long> RequestsShownAsync(IPage page)
        => long.TryParse((await page.TextContentAsync("#requests"))?.Replace(",", "", StringComparison.Ordinal),
            NumberStyles.None, CultureInfo.InvariantCulture, out var requests) ? requests : -1;
}
