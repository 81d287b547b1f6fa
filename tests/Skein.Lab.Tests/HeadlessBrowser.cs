// HeadlessBrowser: Debian's chromium, run headless on a file:// page, for what a reader would see:
// a screenshot and the DOM after rendering. No browser is ever downloaded; without chromium the caller
// decides what to do. As root chromium needs --no-sandbox; the other switches keep it off the network.
using System.Diagnostics;

namespace Skein.Lab.Tests;

internal static class HeadlessBrowser
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    public static string? Find() => Candidates.FirstOrDefault(File.Exists);

    /// <summary>Writes a screenshot of <paramref name="page"/> and returns its rendered DOM.</summary>
    public static string Render(string browser, string page, string screenshot)
    {
        string profile = Directory.CreateTempSubdirectory("skein-chromium-").FullName;
        try
        {
            Run(browser, profile, [$"--screenshot={screenshot}", "--window-size=1280,2400", "file://" + page]);
            return Run(browser, profile, ["--dump-dom", "file://" + page]);
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    private static string Run(string browser, string profile, string[] arguments)
    {
        var info = new ProcessStartInfo(browser)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-default-apps", "--no-first-run", "--mute-audio",
            "--hide-scrollbars", $"--user-data-dir={profile}",
        }.Concat(arguments))
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("chromium did not finish within 120 s: " + stderr.Result);
        }
        return process.ExitCode == 0 ? stdout.Result : throw new InvalidOperationException($"chromium exited {process.ExitCode}: {stderr.Result}");
    }
}
