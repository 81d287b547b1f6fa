// CellRunner: measures one cell against one running server: the load (LoadGenerator for the timed
// cells, ProbeRunner for /io and /cpu, CometRunner for comet, two loads at once for mixed) and the
// server's cost from its process tree over the same span. One round, one measurement; no retries and no
// medians (LabRunner and Measurement do those).
using System.Globalization;
using Skein.Bench.Comet;
using Skein.Bench.Latency;
using Skein.Bench.Load;
using Skein.Bench.Probe;

namespace Skein.Bench.Lab;

/// <summary>Runs single cells.</summary>
public static class CellRunner
{
    /// <summary>A timed run's request unanswered after this long counts as a timeout: 1 s, half of a
    /// default static cell, so connections a server never gets to (single serves one at a time) show as
    /// errors instead of vanishing from the count; the rate cell uses wrk's 2 s.</summary>
    private static readonly TimeSpan TimedRequestTimeout = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan RateRequestTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Measures <paramref name="cell"/> against <paramref name="server"/>.</summary>
    /// <param name="cell">What to send.</param>
    /// <param name="server">The running server (its sampler gives the cost).</param>
    /// <param name="cancel">Ctrl-C: abandons the cell.</param>
    /// <param name="cpuAloneMs">The time of one /cpu request alone on this server (the cpu-1 cell), for the ideal.</param>
    public static async Task<Measurement> RunAsync(LabCell cell, LabServer server, double? cpuAloneMs, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(cell);
        ArgumentNullException.ThrowIfNull(server);
        var baseline = server.Sampler?.Mark() ?? default;
        var measurement = cell.Workload switch
        {
            LabWorkload.Static or LabWorkload.Rate => await TimedAsync(cell, server.Url, cancel).ConfigureAwait(false),
            LabWorkload.Io or LabWorkload.Cpu => await ProbeAsync(cell, server.Url, cpuAloneMs, cancel).ConfigureAwait(false),
            LabWorkload.Comet => await CometAsync(cell, server.Url, cancel).ConfigureAwait(false),
            _ => await MixedAsync(cell, server.Url, cancel).ConfigureAwait(false),
        };
        if (server.Sampler is null)
        {
            return measurement;
        }
        var (now, peak) = server.Sampler.Finish();
        var cost = new ServerCost(Math.Max(0, now.CpuSeconds - baseline.CpuSeconds), peak.RssBytes, peak.Threads, peak.Processes);
        // Memory a waiting client costs: the growth of the tree's memory while N clients were held.
        double? perClient = cell.Workload is LabWorkload.Comet or LabWorkload.Io
            ? Math.Max(0, peak.RssBytes - baseline.RssBytes) / (double)cell.Clients
            : null;
        return measurement with { Server = cost, MemoryPerClientBytes = perClient };
    }

    private static LoadSettings Load(Uri server, string path, int connections, int threads, TimeSpan duration, bool keepAlive = true, double? rate = null) => new()
    {
        Url = new Uri(server, path),
        Connections = connections,
        Threads = Math.Min(threads, connections),
        Duration = duration,
        KeepAlive = keepAlive,
        Rate = rate,
        Timeout = rate is null ? TimedRequestTimeout : RateRequestTimeout,
    };

    private static async Task<Measurement> TimedAsync(LabCell cell, Uri server, CancellationToken cancel)
    {
        var settings = Load(server, cell.Path, cell.Clients, cell.Threads, cell.Duration, cell.KeepAlive, cell.Rate);
        var result = await Task.Run(() => LoadGenerator.Run(settings, null, cancel), cancel).ConfigureAwait(false);
        cancel.ThrowIfCancellationRequested();
        return FromLoad(result);
    }

    private static Measurement FromLoad(LoadResult result) => new()
    {
        Requests = result.Requests,
        RequestsPerSecond = result.RequestsPerSecond,
        Latency = Summarize(result.Latency),
        Errors = result.Errors,
        Histogram = result.Latency,
    };

    private static LatencySummary Summarize(HdrHistogram.HistogramBase h) => new(
        LatencyHistograms.Milliseconds(h, 50), LatencyHistograms.Milliseconds(h, 90), LatencyHistograms.Milliseconds(h, 99),
        LatencyHistograms.Milliseconds(h, 99.9), LatencyHistograms.Milliseconds(h, 100));

    private static async Task<Measurement> ProbeAsync(LabCell cell, Uri server, double? cpuAloneMs, CancellationToken cancel)
    {
        var result = await ProbeRunner.RunAsync(new ProbeSettings
        {
            Url = new Uri(server, cell.Path),
            Clients = cell.Clients,
            Timeout = cell.Duration,
            MeasureIdeal = false,
        }, null, cancel).ConfigureAwait(false);
        cancel.ThrowIfCancellationRequested();
        var histogram = LatencyHistograms.Create();
        long connect = 0, read = 0, timeout = 0, non2xx = 0, answered = 0;
        foreach (var s in result.Samples)
        {
            if (s.Status is { } status)
            {
                answered++;
                LatencyHistograms.Record(histogram, (long)(s.Elapsed.TotalMilliseconds * 1e6));
                if (status is < 200 or > 299)
                {
                    non2xx++;
                }
            }
            else if (s.Error?.StartsWith("no response within", StringComparison.Ordinal) == true)
            {
                timeout++;
            }
            else if (s.Error?.Contains("refused", StringComparison.OrdinalIgnoreCase) == true)
            {
                connect++;
            }
            else
            {
                read++;
            }
        }
        double totalMs = result.Total.TotalMilliseconds;
        double? ideal = null;
        if (cell.Workload == LabWorkload.Cpu && cpuAloneMs is { } alone)
        {
            // Every core busy and nothing else to wait for: the clients finish in ceil(N / cores) waves.
            ideal = alone * Math.Ceiling(cell.Clients / (double)Environment.ProcessorCount);
        }
        return new Measurement
        {
            Requests = answered,
            RequestsPerSecond = totalMs > 0 ? answered / (totalMs / 1000) : 0,
            Latency = Summarize(histogram),
            Errors = new ErrorCounts(connect, read, 0, timeout, non2xx),
            TotalMs = totalMs,
            IdealMs = ideal,
            Histogram = histogram,
        };
    }

    private static async Task<Measurement> CometAsync(LabCell cell, Uri server, CancellationToken cancel)
    {
        var result = await CometRunner.RunAsync(new CometSettings
        {
            Url = server,
            Clients = cell.Clients,
            Timeout = cell.Duration,
        }, null, cancel).ConfigureAwait(false);
        cancel.ThrowIfCancellationRequested();
        int Count(CometFailure f) => result.Failures.TryGetValue(f, out int n) ? n : 0;
        double spanMs = (result.Registered ?? result.ConnectAll).TotalMilliseconds + result.NotifyToLastAnswer.TotalMilliseconds;
        return new Measurement
        {
            Requests = result.Succeeded,
            RequestsPerSecond = spanMs > 0 ? result.Succeeded / (spanMs / 1000) : 0,
            Errors = new ErrorCounts(Count(CometFailure.Connect), Count(CometFailure.Read), 0, Count(CometFailure.Timeout), Count(CometFailure.WrongAnswer)),
            TotalMs = result.NotifyToLastAnswer.TotalMilliseconds,
        };
    }

    private static async Task<Measurement> MixedAsync(LabCell cell, Uri server, CancellationToken cancel)
    {
        var staticLoad = Load(server, cell.Path, cell.Clients, 1, cell.Duration);
        var cpuLoad = Load(server, "/cpu", cell.CpuClients, 1, cell.Duration);
        var cpu = Task.Run(() => LoadGenerator.Run(cpuLoad, null, cancel), cancel);
        var page = Task.Run(() => LoadGenerator.Run(staticLoad, null, cancel), cancel);
        var (pageResult, cpuResult) = (await page.ConfigureAwait(false), await cpu.ConfigureAwait(false));
        cancel.ThrowIfCancellationRequested();
        var e = pageResult.Errors;
        var c = cpuResult.Errors;
        return FromLoad(pageResult) with
        {
            Errors = new ErrorCounts(e.Connect + c.Connect, e.Read + c.Read, e.Write + c.Write, e.Timeout + c.Timeout, e.Non2xx + c.Non2xx),
            CpuRequestsPerSecond = cpuResult.RequestsPerSecond,
        };
    }

    /// <summary>One line for a progress log: the headline figures of a measurement.</summary>
    public static string Describe(LabCell cell, Measurement m)
    {
        ArgumentNullException.ThrowIfNull(cell);
        ArgumentNullException.ThrowIfNull(m);
        string errors = m.Errors.Total == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $", {m.Errors.Total:N0} errors");
        return cell.Workload switch
        {
            LabWorkload.Io or LabWorkload.Cpu => string.Create(CultureInfo.InvariantCulture, $"{m.Requests} answered, last after {m.TotalMs:N0} ms{errors}"),
            LabWorkload.Comet => string.Create(CultureInfo.InvariantCulture, $"{m.Requests} answered, {m.TotalMs:N0} ms from /notify to the last answer{errors}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{m.RequestsPerSecond:N0} req/s, p99 {m.Latency.P99:0.###} ms{errors}"),
        };
    }
}
