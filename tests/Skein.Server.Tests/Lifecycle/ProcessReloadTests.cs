// Zero-downtime reload of the process models as an operator does it under load: five SIGHUPs in a row while
// `skein bench` keeps keep-alive connections busy. Each reload starts a new generation of workers, switches to
// it once all are ready and lets the old one drain; the client sees no error of any kind. Asserted in kind
// (nothing lost, every old generation exited by itself); the figures are in docs/deploy.md. Real processes.
using System.Runtime.InteropServices;
using System.Text.Json;
using Skein.Testing;

namespace Skein.Server.Tests.Lifecycle;

public sealed class ProcessReloadTests : IAsyncLifetime
{
    private const string Switched = "Reload (SIGHUP): new worker processes serve";
    private readonly string _folder = Directory.CreateTempSubdirectory("skein-reload-").FullName;
    private readonly List<SkeinProcess> _processes = [];

    [Theory]
    // A prefork worker holds one keep-alive connection for as long as the client keeps it: with more connections
    // than workers the rest wait in the accept queue (and time out) with or without a reload, so process-pool
    // gets as many connections as workers; hybrid's event loops take any number.
    // Hybrid started with one worker gives it the listening socket rather than handing out; a reload to two
    // workers has them share it.
    [InlineData("process-pool", 2, 2, 2)]
    [InlineData("hybrid", 8, 2, 2)]
    [InlineData("hybrid", 8, 1, 2)]
    public async Task Five_reloads_in_a_row_under_load_lose_no_request(string model, int connections, int workers, int reloadedWorkers)
    {
        var config = Write($$"""{ "keepalive-timeout": "5s", "workers": {{workers}} }""");
        var skein = await SkeinProcess.StartServeAsync(["-p", "0", "-f", ShutdownTests.SiteFolder(), "-m", model, "--config", config]);
        _processes.Add(skein);
        Assert.Equal(200, (await RawClient.GetAsync(skein.Port, "/")).Status); // the first generation serves
        // Bounded load: a few connections, until the reloads are done (SIGINT ends it and it reports). A request
        // counts as lost only if it is never answered: 30 s, not bench's 2 s, since new workers starting on a
        // loaded 2-core machine can stall the old ones for seconds.
        var bench = SkeinProcess.Start(["bench", $"http://127.0.0.1:{skein.Port}/", "-c", connections.ToString(System.Globalization.CultureInfo.InvariantCulture), "-t", "1", "-d", "10m", "--timeout", "30s", "--json"]);
        _processes.Add(bench);

        for (var reload = 1; reload <= 5; reload++)
        {
            Write($$"""{ "keepalive-timeout": "{{5 + reload}}s", "workers": {{reloadedWorkers}} }""");
            skein.Signal(PosixSignal.SIGHUP);
            // Each generation is two .NET starts: patient on a loaded machine.
            try
            {
                await Deadline.UntilAsync(() => Occurrences(skein.Output, Switched) >= reload, Deadline.Default * 4, $"reload {reload}");
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException(e.Message + "\n" + skein.Output, e);
            }
        }
        bench.Signal(PosixSignal.SIGINT);
        // bench stops at its next timer tick and prints its report; a loaded run once took longer than 15 s.
        Assert.Equal(0, await bench.WaitForExitAsync(Deadline.Default * 2));

        var output = bench.Output;
        using var result = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..(output.LastIndexOf('}') + 1)]);
        Assert.True(result.RootElement.GetProperty("requests").GetInt64() > 0, output);
        Assert.True(result.RootElement.GetProperty("errors").GetProperty("total").GetInt64() == 0, output);
        Assert.DoesNotContain("killing it", skein.Output, StringComparison.Ordinal); // every old generation drained by itself
        Assert.DoesNotContain("refused", skein.Output, StringComparison.Ordinal);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
        Directory.Delete(_folder, recursive: true);
    }

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    private string Write(string content)
    {
        var path = Path.Combine(_folder, "skein.json");
        File.WriteAllText(path + ".tmp", content);
        File.Move(path + ".tmp", path, overwrite: true); // as editors save: the reload never reads half a file
        return path;
    }
}
