// Every way a newcomer gets the command line wrong, through the real program: one line on stderr that
// names the option (or argument), the value and what is accepted, no .NET type name, nothing on stdout,
// and exit code 2; a runtime failure (a file given as the folder, a folder that is not there) exits 1.
using Skein.Testing;

namespace Skein.Server.Tests.Cli;

public sealed class UsageErrorTests
{
    public static TheoryData<string[], int, string[]> Cases => new()
    {
        // command line, exit code, what the one line must contain
        { ["serve", "-p", "abc"], 2, ["skein serve: --port 'abc': expected a whole number from 0 to 65535"] },
        { ["serve", "-p", "70000"], 2, ["--port '70000'", "0 to 65535"] },
        { ["serve", "-p"], 2, ["--port needs a value"] },
        { ["serve", "-p", "1", "-p", "2"], 2, ["--port is given 2 times"] },
        { ["serve", "-w", "abc"], 2, ["--workers 'abc'", "whole number"] },
        { ["serve", "-w", "0"], 2, ["--workers '0'", "from 1 to"] },
        { ["serve", "-m", "fork"], 2, ["--model 'fork'", "thread-pool"] },
        { ["serve", "-c", "async"], 2, ["unknown option '-c'"] },
        { ["serve", "--host", "999.1.1.1"], 2, ["--host '999.1.1.1'", "localhost"] },
        { ["serve", "--max-body", "abc"], 2, ["--max-body 'abc'", "64KiB"] },
        { ["serve", "--max-request-line", "8"], 2, ["--max-request-line '8'", "at least 32"] },
        { ["serve", "--header-timeout", "30x"], 2, ["--header-timeout '30x'", "500ms"] },
        { ["serve", "--header-timeout", "0"], 2, ["--header-timeout '0'", "above 0"] },
        { ["serve", "--no-such-option", "1"], 2, ["unknown option '--no-such-option'"] },
        { ["serve", "-f", typeof(UsageErrorTests).Assembly.Location], 1, ["--folder", ".dll' is a file"] },
        { ["serve", "-f", "/no/such/folder"], 1, ["--folder '/no/such/folder' does not exist"] },
        { ["bench"], 2, ["skein bench: missing URL"] },
        { ["bench", "ftp://x"], 2, ["URL 'ftp://x'", "http://"] },
        { ["bench", "http://127.0.0.1:9/", "-c", "x"], 2, ["--connections 'x'"] },
        { ["bench", "http://127.0.0.1:9/", "-R", "abc"], 2, ["--rate 'abc'", "a number above 0"] },
        { ["bench", "http://127.0.0.1:9/", "-d", "10x"], 2, ["--duration '10x'", "30s"] },
        { ["bench", "http://127.0.0.1:9/", "-c", "1", "-t", "2"], 2, ["--connections '1'", "--threads"] },
        { ["bench", "http://127.0.0.1:9/", "-H", "no colon"], 2, ["--header 'no colon'", "Name: value"] },
        { ["probe", "-n", "abc"], 2, ["--clients 'abc'"] },
        { ["probe", "-i", "--cpu"], 2, ["choose one of"] },
        { ["comet", "http://127.0.0.1:9/", "--timeout", "soon"], 2, ["--timeout 'soon'"] },
        { ["send", "127.0.0.1", "abc", "GET / HTTP/1.1"], 2, ["PORT 'abc'", "1 to 65535"] },
        { ["send", "127.0.0.1"], 2, ["missing PORT"] },
        { ["frobnicate"], 2, ["skein: unknown command 'frobnicate'", "serve"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_mistake_is_one_line_naming_option_value_and_what_is_accepted(string[] arguments, int exitCode, string[] expected)
    {
        var (code, stdout, stderr) = await SkeinProcess.RunAsync(arguments);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(exitCode, code);
        Assert.Equal("", stdout);
        Assert.StartsWith($"skein{(arguments[0].StartsWith('-') || arguments[0] == "frobnicate" ? "" : " " + arguments[0])}: ", line);
        foreach (var part in expected)
        {
            Assert.Contains(part, line);
        }
        Assert.DoesNotContain("System.", line);
        Assert.DoesNotContain("localvalue", line);
    }

    [Fact]
    public async Task Bare_skein_prints_the_short_help_and_succeeds()
    {
        var (code, stdout, stderr) = await SkeinProcess.RunAsync([]);
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Contains("Usage: skein <command>", stdout);
        Assert.Contains("serve", stdout);
        Assert.Contains("-c, --connections", stdout); // the letter table
    }

    [Fact]
    public async Task Help_wins_over_a_bad_value()
    {
        var (code, stdout, _) = await SkeinProcess.RunAsync(["serve", "-p", "abc", "--help"]);
        Assert.Equal(0, code);
        Assert.Contains("Usage: skein serve", stdout);
    }
}
