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
    public static TheoryData<ConcurrencyModel, double, double> Expectations => new()
    {
        { ConcurrencyModel.Single, 9.0, 20.0 },      // ~10 s: one at a time
        { ConcurrencyModel.ThreadPool, 1.8, 4.5 },   // ~2 s: two rounds of five
        { ConcurrencyModel.ProcessPool, 1.8, 12.0 }, // ~2 s: two rounds of five (the other workers may still be starting)
        { ConcurrencyModel.Thread, 0.9, 1.7 },       // ~1 s: all at once
        { ConcurrencyModel.Async, 0.9, 1.7 },        // ~1 s: /io awaits without holding the loop
        { ConcurrencyModel.Hybrid, 0.9, 12.0 },      // ~1 s (the other workers may still be starting)
        { ConcurrencyModel.Process, 0.9, 60.0 },     // ~1 s plus starting the processes beyond the spares
        // The process rows' upper bounds are loose on purpose: process starts compete with whatever else runs
        // on this 2-core machine. Their figures are in docs/processes.md (benchmarks/processes).
    };

    [Theory]
    [MemberData(nameof(Expectations))]
    public async Task Ten_concurrent_io_requests_with_five_workers(ConcurrencyModel model, double minSeconds, double maxSeconds)
    {
        await using var skein = await SkeinProcess.StartServeAsync("-m", ServerHost.ModelName(model), "-w", "5", "-p", "0", "-f", Lifecycle.ShutdownTests.SiteFolder());
        Assert.Equal(200, (await RawClient.GetAsync(skein.Port, "/")).Status); // warm up: JIT, file cache
        var clients = new List<RawClient>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                clients.Add(await RawClient.ConnectAsync(skein.Port));
            }
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(clients.Select(c => c.SendAsync("GET /io HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
            var responses = await Task.WhenAll(clients.Select(c => c.ReadResponseAsync(timeout: TimeSpan.FromSeconds(40))));
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
}
