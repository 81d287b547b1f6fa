// `skein serve` as a user meets it: help with every default, a port in use (exit code 1), units in every
// duration and size, the first log line, verbose lines carrying pid/thread/connection, and the access log.
// Usage mistakes are in UsageErrorTests.
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Skein.Testing;

namespace Skein.Server.Tests.Cli;

public sealed partial class ServeCommandTests
{
    [Fact]
    public async Task Help_documents_every_option_with_its_default()
    {
        var (code, stdout, _) = await SkeinProcess.RunAsync(["serve", "--help"]);
        Assert.Equal(0, code);
        foreach (var option in new[] { "--model", "--workers", "--port", "--host", "--folder", "--verbose", "--delay",
                     "--header-timeout", "--keepalive-timeout", "--body-timeout", "--shutdown-timeout", "--max-connections",
                     "--backlog", "--defer-accept", "--notsent-lowat", "--queue", "--max-body", "--access-log" })
        {
            Assert.Contains(option, stdout);
        }
        Assert.Contains("[default: 8085]", stdout);
        Assert.Contains("[default: 127.0.0.1]", stdout);
        Assert.Contains("[default: ./www]", stdout);
        Assert.Contains("[default: async]", stdout);
        Assert.Contains("[default: 511]", stdout);
        Assert.Contains("[default: 30s]", stdout);
        Assert.Contains("[default: 32KiB]", stdout);
        Assert.Contains("[default: 16KiB]", stdout); // --notsent-lowat
    }

    [Fact]
    public async Task Durations_and_sizes_take_units_and_plain_numbers_keep_their_unit()
    {
        await using var skein = await SkeinProcess.StartServeAsync("-p", "0", "-f", Lifecycle.ShutdownTests.SiteFolder(),
            "--header-timeout", "30s", "--keepalive-timeout", "2m", "--body-timeout", "60", "--shutdown-timeout", "500ms",
            "--max-body", "10M", "--max-header-bytes", "64KiB", "--max-request-line", "8192", "--delay", "0", "--defer-accept", "3");
        Assert.Equal(200, (await RawClient.GetAsync(skein.Port, "/")).Status);
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_and_exit_code_1()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (code, _, stderr) = await SkeinProcess.RunAsync(["serve", "-p", port, "-f", Lifecycle.ShutdownTests.SiteFolder()]);
        Assert.Equal(1, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("in use", line);
    }

    [Fact]
    public async Task The_first_line_names_model_workers_pid_address_and_folder_and_verbose_lines_carry_pid_thread_and_connection()
    {
        var folder = Lifecycle.ShutdownTests.SiteFolder();
        await using var skein = await SkeinProcess.StartServeAsync("-m", "thread-pool", "-w", "3", "-p", "0", "-f", folder, "-v");
        var first = skein.Output.Split('\n')[0];
        Assert.Contains("model=thread-pool", first);
        Assert.Contains("workers=3", first);
        Assert.Contains($"pid={skein.Pid}", first);
        Assert.Contains($"address=http://127.0.0.1:{skein.Port}", first);
        Assert.Contains($"folder={folder}", first);
        Assert.Contains("standby=0", first);
        Assert.Contains("Skein serving: 3 pool threads fed by a queue of 511.", first);
        Assert.Equal(200, (await RawClient.GetAsync(skein.Port, "/")).Status);
        await Deadline.UntilAsync(() => VerboseRequestLine().IsMatch(skein.Output), Deadline.Default, "a verbose request line");
        var line = VerboseRequestLine().Match(skein.Output);
        Assert.Equal(skein.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), line.Groups["pid"].Value);
        // -v also writes each request in the Combined Log Format (to stderr: stdout stays for data).
        await skein.WaitForOutputAsync("\"GET / HTTP/1.1\" 200 ", "the access log line of -v");
    }

    [Fact]
    public async Task The_last_line_says_how_long_the_shutdown_took_and_that_nothing_was_cut()
    {
        await using var skein = await SkeinProcess.StartServeAsync("-p", "0", "-f", Lifecycle.ShutdownTests.SiteFolder());
        skein.Signal(System.Runtime.InteropServices.PosixSignal.SIGTERM);
        Assert.Equal(0, await skein.WaitForExitAsync(Deadline.Default));
        Assert.Matches(@"Stopped in \d+ ms: 0 request\(s\) in flight finished, none cut", skein.Output);
        Assert.DoesNotContain("deadline", skein.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_process_counts_the_requests_it_finished_at_shutdown()
    {
        await using var skein = await SkeinProcess.StartServeAsync("-m", "process-pool", "-w", "1", "-p", "0", "-f", Lifecycle.ShutdownTests.SiteFolder(), "-v");
        using var client = await RawClient.ConnectAsync(skein.Port);
        await client.SendAsync("GET /io HTTP/1.1\r\nHost: x\r\n\r\n"); // answered after 1 s, well within the 30 s deadline
        await skein.WaitForOutputAsync("GET /io started", "the request in the handler");
        skein.Signal(System.Runtime.InteropServices.PosixSignal.SIGTERM);
        Assert.Equal(200, (await client.ReadResponseAsync()).Status);
        Assert.Equal(0, await skein.WaitForExitAsync(Deadline.Default));
        Assert.Matches(@"Worker \d+ stopped in \d+ ms: 1 request\(s\) in flight finished, 0 cut", skein.Output);
        Assert.Matches(@"Stopped in \d+ ms; worker processes that had requests in flight said how many", skein.Output);
    }

    [Fact]
    public async Task A_request_cut_at_the_shutdown_deadline_is_counted_in_the_last_line()
    {
        // --delay holds the request 60 s: past the 0.2 s deadline however late a loaded machine reads the log line
        // and signals (with /io's 1 s alone, CI once saw the request finish before the deadline fired).
        await using var skein = await SkeinProcess.StartServeAsync("-p", "0", "-f", Lifecycle.ShutdownTests.SiteFolder(), "-v",
            "--shutdown-timeout", "200ms", "--delay", "60s");
        using var client = await RawClient.ConnectAsync(skein.Port);
        await client.SendAsync("GET /io HTTP/1.1\r\nHost: x\r\n\r\n");
        await skein.WaitForOutputAsync("GET /io started", "the request in the handler");
        skein.Signal(System.Runtime.InteropServices.PosixSignal.SIGTERM);
        Assert.Equal(0, await skein.WaitForExitAsync(Deadline.Default));
        Assert.Matches(@"Stopped in \d+ ms: 0 request\(s\) in flight finished, 1 cut at the 0\.2 s deadline", skein.Output);
    }

    [Fact]
    public async Task The_access_log_has_one_combined_log_format_line_per_response()
    {
        var log = Path.Combine(Path.GetTempPath(), $"skein-access-{Guid.NewGuid():N}.log");
        try
        {
            await using (var skein = await SkeinProcess.StartServeAsync("-p", "0", "-f", Lifecycle.ShutdownTests.SiteFolder(), "--access-log", log))
            {
                using var client = await RawClient.ConnectAsync(skein.Port);
                await client.SendAsync("GET /style.css?x=1 HTTP/1.1\r\nHost: x\r\nReferer: http://r/\r\nUser-Agent: test \"agent\"\r\n\r\n");
                await client.ReadResponseAsync();
                await Deadline.UntilAsync(() => File.Exists(log) && File.ReadAllText(log).Contains("style.css", StringComparison.Ordinal), Deadline.Default, "the access log line");
            }
            var entry = Assert.Single(File.ReadAllLines(log));
            Assert.Matches(@"^127\.0\.0\.1 - - \[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] ""GET /style\.css\?x=1 HTTP/1\.1"" 200 \d+ ""http://r/"" ""test \\x22agent\\x22""$", entry);
        }
        finally
        {
            File.Delete(log);
        }
    }

    [GeneratedRegex(@"\[pid (?<pid>\d+) tid \d+ conn \d+\] GET / -> 200")]
    private static partial Regex VerboseRequestLine();
}
