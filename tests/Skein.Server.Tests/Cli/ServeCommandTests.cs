// `skein serve` as a user meets it: help with every default, one-line errors with exit codes 2 (usage)
// and 1 (runtime), the first log line, verbose lines carrying pid/thread/connection, and the access log.
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
        foreach (var option in new[] { "--concurrency", "--workers", "--port", "--host", "--folder", "--verbose", "--delay",
                     "--header-timeout", "--keepalive-timeout", "--body-timeout", "--shutdown-timeout", "--max-connections",
                     "--backlog", "--queue", "--max-body", "--access-log" })
        {
            Assert.Contains(option, stdout);
        }
        Assert.Contains("[default: 8085]", stdout);
        Assert.Contains("[default: 127.0.0.1]", stdout);
        Assert.Contains("[default: ./www]", stdout);
        Assert.Contains("[default: async]", stdout);
        Assert.Contains("[default: 511]", stdout);
    }

    [Theory]
    [InlineData("-p", "abc")]
    [InlineData("-p", "70000")]
    [InlineData("-c", "fork")]
    [InlineData("-w", "0")]
    [InlineData("--header-timeout", "-1")]
    [InlineData("--host", "not-an-address")]
    [InlineData("--no-such-option", "1")]
    public async Task A_bad_value_is_one_line_on_stderr_and_exit_code_2(string option, string value)
    {
        var (code, stdout, stderr) = await SkeinProcess.RunAsync(["serve", option, value, "-f", Lifecycle.ShutdownTests.SiteFolder()]);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("skein serve: ", line);
        Assert.DoesNotContain("   at ", stderr); // never a stack trace
    }

    [Fact]
    public async Task A_missing_folder_is_one_line_and_exit_code_1()
    {
        var (code, _, stderr) = await SkeinProcess.RunAsync(["serve", "-p", "0", "-f", "/no/such/folder"]);
        Assert.Equal(1, code);
        Assert.Contains("/no/such/folder", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
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
        await using var skein = await SkeinProcess.StartServeAsync("-c", "thread-pool", "-w", "3", "-p", "0", "-f", folder, "-v");
        var first = skein.Output.Split('\n')[0];
        Assert.Contains("model=thread-pool", first);
        Assert.Contains("workers=3", first);
        Assert.Contains($"pid={skein.Pid}", first);
        Assert.Contains($"address=http://127.0.0.1:{skein.Port}", first);
        Assert.Contains($"folder={folder}", first);
        Assert.Equal(200, (await RawClient.GetAsync(skein.Port, "/")).Status);
        await Deadline.UntilAsync(() => VerboseRequestLine().IsMatch(skein.Output), Deadline.Default, "a verbose request line");
        var line = VerboseRequestLine().Match(skein.Output);
        Assert.Equal(skein.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), line.Groups["pid"].Value);
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
