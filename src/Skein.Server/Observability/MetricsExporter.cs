// /metrics: the scoreboard's sums in the Prometheus text format, written by prometheus-net (the maintained
// client library; nothing here formats text). Before each scrape the summed figures are copied into the
// library's collectors: counters go to the scoreboard's totals (IncTo), gauges are set, and the latency
// histogram observes what the scoreboard's buckets gained since the last scrape, at each bucket's upper bound.
// Every process of a server reads the same shared totals, so a scrape answered by any worker says the same.
using Prometheus;

namespace Skein.Server.Observability;

/// <summary>Prometheus metrics for one server process, summed over all the server's processes.</summary>
public sealed class MetricsExporter
{
    // Prometheus' own default buckets (.005 to 10 s) with finer ones below 5 ms, where static files answer.
    private static readonly double[] LatencyBuckets = [.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10];

    private readonly Scoreboard _board;
    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly Counter _requests;
    private readonly Counter _bytes;
    private readonly Counter _accepted;
    private readonly Gauge _connections;
    private readonly Gauge _workers;
    private readonly Gauge _started;
    private readonly Histogram _latency;
    private readonly long[] _observed = new long[Scoreboard.Buckets];
    private readonly Lock _gate = new();

    /// <summary>Creates the collectors over <paramref name="board"/>.</summary>
    public MetricsExporter(Scoreboard board)
    {
        ArgumentNullException.ThrowIfNull(board);
        _board = board;
        var metrics = Metrics.WithCustomRegistry(_registry);
        _requests = metrics.CreateCounter("skein_requests_total", "Responses written, by status code.", "code");
        _bytes = metrics.CreateCounter("skein_response_bytes_total", "Response bytes written (heads and bodies).");
        _accepted = metrics.CreateCounter("skein_connections_accepted_total", "Connections accepted.");
        _connections = metrics.CreateGauge("skein_connections", "Open connections by state (new: no request yet; active; idle: keep-alive).", "state");
        _workers = metrics.CreateGauge("skein_workers", "Processes serving (one for the in-process models).");
        _started = metrics.CreateGauge("skein_start_time_seconds", "When the server started, in seconds since the Unix epoch.");
        _latency = metrics.CreateHistogram("skein_request_duration_seconds",
            "From a request head's first byte to its response written (bucketed at 12.5% precision, then into these buckets).",
            new HistogramConfiguration { Buckets = LatencyBuckets });
        _registry.AddBeforeCollectCallback(Update);
    }

    /// <summary>The metrics now, in the Prometheus text format (version 0.0.4).</summary>
    public async Task<byte[]> ExportAsync(CancellationToken cancellationToken)
    {
        using var output = new MemoryStream();
        await _registry.CollectAndExportAsTextAsync(output, cancellationToken);
        return output.ToArray();
    }

    /// <summary>The media type of <see cref="ExportAsync"/>'s output.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private void Update()
    {
        var reading = _board.Read();
        var total = reading.Total;
        lock (_gate)
        {
            for (var i = 0; i < total.Statuses.Length; i++)
            {
                if (total.Statuses[i] > 0)
                {
                    _requests.WithLabels((i + 100).ToString(System.Globalization.CultureInfo.InvariantCulture)).IncTo(total.Statuses[i]);
                }
            }
            if (total.OtherStatuses > 0)
            {
                _requests.WithLabels("other").IncTo(total.OtherStatuses);
            }
            _bytes.IncTo(total.Bytes);
            _accepted.IncTo(total.Accepted);
            _connections.WithLabels("new").Set(total.New);
            _connections.WithLabels("active").Set(total.Active);
            _connections.WithLabels("idle").Set(total.Idle);
            _workers.Set(reading.Processes.Count);
            _started.Set(reading.Started.ToUnixTimeMilliseconds() / 1000.0);
            for (var b = 0; b < Scoreboard.Buckets; b++)
            {
                var gained = total.Latency[b] - _observed[b];
                if (gained > 0)
                {
                    _latency.Observe(Scoreboard.UpperBoundOf(b) / 1_000_000.0, gained);
                    _observed[b] = total.Latency[b];
                }
            }
        }
    }
}
