// `skein serve --config FILE` as a user meets it: the file's keys are the options' long names, the command
// line wins over the file, and a mistake in the file is one line naming the file and the key (exit code 2);
// a file that cannot be read is exit code 1. Run through the real program.
using Skein.Testing;

namespace Skein.Server.Tests.Cli;

public sealed class ConfigFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("skein-config-").FullName;

    [Fact]
    public async Task The_files_keys_set_options_and_the_command_line_wins()
    {
        // 64-byte targets at most (max-target) and a health check at /alive, both from the file; the command
        // line then moves the health check to /ready.
        var config = Write("skein.json", """
            {
              // comments and trailing commas are allowed
              "max-target": 64,
              "health-path": "/alive",
              "header-timeout": "10s",
              "verbose": false,
            }
            """);
        await using (var skein = await SkeinProcess.StartServeAsync("-p", "0", "-f", Lifecycle.ShutdownTests.SiteFolder(), "--config", config))
        {
            Assert.Equal(200, (await RawClient.GetAsync(skein.Port, "/alive")).Status);
            Assert.Equal(414, (await RawClient.GetAsync(skein.Port, "/" + new string('a', 100))).Status);
        }
        await using (var skein = await SkeinProcess.StartServeAsync("-p", "0", "-f", Lifecycle.ShutdownTests.SiteFolder(), "--config", config, "--health-path", "/ready"))
        {
            Assert.Equal(200, (await RawClient.GetAsync(skein.Port, "/ready")).Status);
            Assert.Equal(404, (await RawClient.GetAsync(skein.Port, "/alive")).Status); // now just a missing file
            Assert.Equal(414, (await RawClient.GetAsync(skein.Port, "/" + new string('a', 100))).Status); // still from the file
        }
    }

    public static TheoryData<string, string> Mistakes => new()
    {
        { """{ "prot": 8080 }""", "skein.json: unknown key \"prot\"" },
        { """{ "port": "http" }""", "skein.json: \"port\" 'http': expected a whole number from 0 to 65535" },
        { """{ "port": 70000 }""", "skein.json: \"port\" '70000': expected a whole number from 0 to 65535" },
        { """{ "header-timeout": "3x" }""", "skein.json: \"header-timeout\" '3x': expected a duration" },
        { """{ "model": "hybrd" }""", "skein.json: \"model\" 'hybrd': expected one of single, thread, thread-pool, process, process-pool, async, hybrid" },
        { """{ "verbose": "yes" }""", "skein.json: \"verbose\": 'yes' is not true or false" },
        { """{ "port": null }""", "skein.json: \"port\": null is not" },
        { """{ "port": 1, "port": 2 }""", "skein.json: \"port\" is given twice" },
        { """[ "port", 1 ]""", "skein.json: expected one JSON object of options" },
        { """{ "port": 1 """, "skein.json: not valid JSON at line 1" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task A_mistake_in_the_file_is_one_line_naming_the_file_and_the_key_and_exit_code_2(string json, string expected)
    {
        var config = Write("skein.json", json);
        var (code, stdout, stderr) = await SkeinProcess.RunAsync(["serve", "-f", Lifecycle.ShutdownTests.SiteFolder(), "--config", config]);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("skein serve: " + expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_cannot_be_read_is_one_line_and_exit_code_1()
    {
        var missing = Path.Combine(_folder, "missing.json");
        var (code, _, stderr) = await SkeinProcess.RunAsync(["serve", "--config", missing]);
        Assert.Equal(1, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"skein serve: cannot read the configuration file {missing}", line, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }
}
