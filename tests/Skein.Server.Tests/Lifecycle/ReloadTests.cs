// Reloading a running server as an operator does: edit the configuration file, send SIGHUP; rotate the access
// log, send SIGUSR1. Models without worker processes apply in place what they can (limits, timeouts, the access
// log) and log what needs a restart; a file that fails to load changes nothing. The real program, real signals.
// The process models' zero-downtime reload is in ProcessReloadTests.
using Skein.Server.Tests.Processes;
using Skein.Testing;

namespace Skein.Server.Tests.Lifecycle;

public sealed class ReloadTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("skein-reload-").FullName;
    private readonly List<SkeinProcess> _servers = [];

    private static string LongPath { get; } = "/" + new string('a', 100);

    [Fact]
    public async Task SIGHUP_applies_new_limits_in_place_and_says_what_needs_a_restart()
    {
        var config = Write("skein.json", """{ "max-target": 64 }""");
        var skein = await StartAsync("-m", "async", "--config", config);
        Assert.Equal(414, (await RawClient.GetAsync(skein.Port, LongPath)).Status);

        Write("skein.json", """{ "max-target": "8KiB", "backlog": 100, "workers": 7 }""");
        skein.Signal(System.Runtime.InteropServices.PosixSignal.SIGHUP);
        await skein.WaitForOutputAsync("Reload (SIGHUP): applied", "the reload");

        Assert.Equal(404, (await RawClient.GetAsync(skein.Port, LongPath)).Status); // a long target is now only a missing file
        Assert.Contains("Reload: Backlog, Workers changed but need(s) a restart; kept as running", skein.Output, StringComparison.Ordinal);
        Assert.Equal(200, (await RawClient.GetAsync(skein.Port, "/healthz")).Status); // still on its port
    }

    [Fact]
    public async Task A_file_that_fails_to_load_on_SIGHUP_changes_nothing_and_says_why()
    {
        var config = Write("skein.json", """{ "max-target": 64 }""");
        var skein = await StartAsync("-m", "thread-pool", "--config", config);

        Write("skein.json", """{ "max-target": "64 bytes please" }""");
        skein.Signal(System.Runtime.InteropServices.PosixSignal.SIGHUP);
        await skein.WaitForOutputAsync("refused", "the refusal");

        Assert.Contains("Reload (SIGHUP) refused, still serving as before: skein.json: \"max-target\" '64 bytes please': expected a size", skein.Output, StringComparison.Ordinal);
        Assert.Equal(414, (await RawClient.GetAsync(skein.Port, LongPath)).Status);
        Assert.False(skein.HasExited);
    }

    [Theory]
    [InlineData("async")]
    [InlineData("single")]
    [InlineData("process-pool")] // the master relays it to its workers, which write the lines
    public async Task SIGUSR1_reopens_the_access_log_after_logrotate_renamed_it(string model)
    {
        var log = Path.Combine(_folder, "access.log");
        var skein = await StartAsync("-m", model, "--access-log", log);
        Assert.Equal(404, (await RawClient.GetAsync(skein.Port, "/before-rotation")).Status);
        await Deadline.UntilAsync(() => File.Exists(log) && File.ReadAllText(log).Contains("/before-rotation", StringComparison.Ordinal), Deadline.Default, "the first line");

        File.Move(log, log + ".1"); // what logrotate does, then it sends SIGUSR1 (postrotate)
        skein.Signal(SkeinProcess.SIGUSR1);
        await skein.WaitForOutputAsync("Reopened the log files (SIGUSR1)", "the reopen");
        // That line is the master's own reopen; it relays SIGUSR1 to its workers over their channels, and each
        // reopens a moment later. A request a worker answers before its reopen is logged in the renamed file,
        // as in nginx, so the request waits until no process of the server holds the renamed file any more.
        await Deadline.UntilAsync(() => !ProcessTable.ChildrenOf(skein.Pid).Append(skein.Pid).Any(pid => ProcessTable.HoldsOpen(pid, log + ".1")),
            Deadline.Default, "every process of the server to let go of the renamed file");
        Assert.Equal(404, (await RawClient.GetAsync(skein.Port, "/after-rotation")).Status);

        await Deadline.UntilAsync(() => File.Exists(log) && File.ReadAllText(log).Contains("/after-rotation", StringComparison.Ordinal), Deadline.Default, "a line in the new file");
        Assert.DoesNotContain("/after-rotation", File.ReadAllText(log + ".1"), StringComparison.Ordinal);
        Assert.DoesNotContain("/before-rotation", File.ReadAllText(log), StringComparison.Ordinal);
        Assert.False(skein.HasExited); // SIGUSR1's default action would have ended it
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<SkeinProcess> StartAsync(params string[] arguments)
    {
        var server = await SkeinProcess.StartServeAsync(["-p", "0", "-f", ShutdownTests.SiteFolder(), .. arguments]);
        _servers.Add(server);
        return server;
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path + ".tmp", content);
        File.Move(path + ".tmp", path, overwrite: true); // as editors save: the reload never reads half a file
        return path;
    }
}
