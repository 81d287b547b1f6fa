// What each model does with ten concurrent 1-second /io requests and five workers: the timing is the
// model's textbook signature (single serialises, pools of five take two rounds, threads per connection and
// event loops overlap them all). Ranges are generous: other builds load this 2-core machine.
using System.Diagnostics;
using Skein.Server.Models;
using Skein.Testing;

namespace Skein.Server.Tests.Models;

[Collection(TimingSensitive.Name)]
public sealed class ModelSemanticsTests
{
    // Each bound separates the model from its neighbours, not from a quiet machine's figure: a lower bound
    // of 1.8 s says "not all at once" (which takes 1 s), an upper bound of 4 s says "overlapped" (two at a time
    // would take 5 s, one at a time 10 s), 8 s says "in rounds, not one at a time". A loaded 2-core machine
    // stretches every figure upward, so the upper bounds keep that margin.
    public static TheoryData<ConcurrencyModel, double, double> Expectations => new()
    {
        { ConcurrencyModel.Single, 9.0, 40.0 },      // ~10 s: one at a time
        { ConcurrencyModel.ThreadPool, 1.8, 8.0 },   // ~2 s: two rounds of five
        { ConcurrencyModel.ProcessPool, 1.8, 8.0 },  // ~2 s: two rounds of five
        { ConcurrencyModel.Thread, 0.9, 4.0 },       // ~1 s: all at once
        { ConcurrencyModel.Async, 0.9, 4.0 },        // ~1 s: /io awaits without holding the loop
        { ConcurrencyModel.Hybrid, 0.9, 4.0 },       // ~1 s: every worker's loop overlaps its share
        { ConcurrencyModel.Process, 0.9, 90.0 },     // ~1 s plus starting the processes beyond the spares
        // The process row's upper bound is loose on purpose: five process starts compete with whatever else
        // runs on this 2-core machine. Its figures are in docs/processes.md (benchmarks/processes).
    };

    [Theory]
    [MemberData(nameof(Expectations))]
    public async Task Ten_concurrent_io_requests_with_five_workers(ConcurrencyModel model, double minSeconds, double maxSeconds)
    {
        // -v: the master logs each worker process as ready (WorkersReadyAsync).
        await using var skein = await SkeinProcess.StartServeAsync("-m", ServerHost.ModelName(model), "-w", "5", "-p", "0", "-v", "-f", Lifecycle.ShutdownTests.SiteFolder());
        // Warm up (JIT, file cache), as long as starting the first worker takes: the timing starts after it.
        Assert.Equal(200, (await RawClient.GetAsync(skein.Port, "/", Deadline.Default * 4)).Status);
        await WorkersReadyAsync(skein, model);
        var clients = new List<RawClient>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                clients.Add(await RawClient.ConnectAsync(skein.Port));
            }
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(clients.Select(c => c.SendAsync("GET /io HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
            var responses = await Task.WhenAll(clients.Select(c => c.ReadResponseAsync(timeout: TimeSpan.FromSeconds(120))));
            var elapsed = clock.Elapsed.TotalSeconds;
            Assert.All(responses, r => Assert.Equal(200, r.Status));
            Assert.InRange(elapsed, minSeconds, maxSeconds);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    // The process models' timing starts once all five workers (or spare processes) are up: a start takes
    // seconds on a loaded machine, and the timing is of the model, not of process starts.
    private static async Task WorkersReadyAsync(SkeinProcess skein, ConcurrencyModel model)
    {
        if (model is ConcurrencyModel.ProcessPool or ConcurrencyModel.Hybrid or ConcurrencyModel.Process)
        {
            await Deadline.UntilAsync(() => Count(skein.Output, " ready after ") >= 5, Deadline.Default * 8, "five worker processes ready");
        }
    }

    private static int Count(string text, string word)
    {
        var count = 0;
        for (var at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + word.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }
}
