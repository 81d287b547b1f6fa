// QuickLabRun: one lean `skein lab --quick` run through the real program, shared by the report tests
// (xunit class fixture): three models of the three families (one thread, an event loop, a process pool)
// and every workload, so every row, chart and check has something to look at, in well under a minute on
// a quiet 2-core machine. The report folder is deleted afterwards.
using System.Text.Json;
using Skein.Testing;

namespace Skein.Lab.Tests;

public sealed class QuickLabRun : IAsyncLifetime
{
    /// <summary>The models the run measures.</summary>
    public static readonly string[] Models = ["single", "async", "process-pool"];

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "skein-lab-test-" + Guid.NewGuid().ToString("N")[..8]);

    public int ExitCode { get; private set; }

    public string Output { get; private set; } = "";

    public JsonDocument Results { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var (code, stdout, stderr) = await SkeinProcess.RunAsync(
            ["lab", "--quick", "--models", string.Join(",", Models), "--output", Folder], TimeSpan.FromMinutes(5));
        ExitCode = code;
        Output = stdout + stderr;
        Results = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Folder, "results.json")));
    }

    public Task DisposeAsync()
    {
        Results?.Dispose();
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
        return Task.CompletedTask;
    }

    public string Read(string relative) => File.ReadAllText(Path.Combine(Folder, relative));
}
