// What the status page shows and its JSON says: a ScoreboardReading turned into the figures a user reads
// (uptime, requests/s, p50/p99, errors by status, an Apache mod_status-style scoreboard per process). It
// computes; it neither reads memory (Scoreboard does) nor writes HTML (StatusPage does).
using System.Globalization;
using System.Text;

namespace Skein.Server.Observability;

/// <summary>The server's status at one moment, summed over its processes. Serialized as the status JSON.</summary>
public sealed class StatusReport
{
    /// <summary>The concurrency model, as the command line spells it.</summary>
    public required string Model { get; init; }

    /// <summary>The server's pid (a process model's master).</summary>
    public int Pid { get; init; }

    /// <summary>Seconds since the server started.</summary>
    public double UptimeSeconds { get; init; }

    /// <summary>Responses written since start, by every process.</summary>
    public long Requests { get; init; }

    /// <summary>Requests per second over the last second.</summary>
    public double RequestsPerSecond { get; init; }

    /// <summary>Response bytes written since start.</summary>
    public long BytesSent { get; init; }

    /// <summary>Connections accepted since start.</summary>
    public long ConnectionsAccepted { get; init; }

    /// <summary>Open connections by state.</summary>
    public required ConnectionCounts Connections { get; init; }

    /// <summary>Latency from the first byte of a request head to its response written, in milliseconds.</summary>
    public required LatencySummary LatencyMs { get; init; }

    /// <summary>Responses by status code.</summary>
    public required SortedDictionary<string, long> Statuses { get; init; }

    /// <summary>Responses with a status of 400 or more, by status code.</summary>
    public required SortedDictionary<string, long> Errors { get; init; }

    /// <summary>The processes that serve (one for the in-process models), with their own figures.</summary>
    public required IReadOnlyList<WorkerStatus> Workers { get; init; }

    /// <summary>Builds the report for <paramref name="reading"/> at <paramref name="now"/>.</summary>
    public static StatusReport From(ScoreboardReading reading, string model, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reading);
        var total = reading.Total;
        var statuses = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < total.Statuses.Length; i++)
        {
            if (total.Statuses[i] is var n and > 0)
            {
                var code = (i + 100).ToString(CultureInfo.InvariantCulture);
                statuses[code] = n;
                if (i + 100 >= 400)
                {
                    errors[code] = n;
                }
            }
        }
        if (total.OtherStatuses > 0)
        {
            statuses["other"] = total.OtherStatuses;
        }
        return new StatusReport
        {
            Model = model,
            Pid = reading.MasterPid,
            UptimeSeconds = Seconds(now - reading.Started),
            Requests = total.Requests,
            RequestsPerSecond = Math.Round(total.RequestsPerSecond, 1),
            BytesSent = total.Bytes,
            ConnectionsAccepted = total.Accepted,
            Connections = new ConnectionCounts(total.New, total.Active, total.Idle),
            LatencyMs = new LatencySummary(Milliseconds(total.Percentile(0.50)), Milliseconds(total.Percentile(0.99))),
            Statuses = statuses,
            Errors = errors,
            Workers = [.. reading.Processes.Select(p => new WorkerStatus(p.Pid, Seconds(now - p.Started), p.Requests,
                Math.Round(p.RequestsPerSecond, 1), new ConnectionCounts(p.New, p.Active, p.Idle), ScoreboardOf(p)))],
        };
    }

    /// <summary>Most characters a process's scoreboard shows; the rest is counted ("+12").</summary>
    public const int ScoreboardWidth = 64;

    /// <summary>A process's connections as Apache's mod_status draws its workers: <c>R</c> reading the first
    /// request, <c>W</c> working on a request (reading it, running the handler, writing the response),
    /// <c>K</c> keep-alive (idle), and <c>_</c> for a process with no connection.</summary>
    public static string ScoreboardOf(ProcessFigures process)
    {
        ArgumentNullException.ThrowIfNull(process);
        var open = process.New + process.Active + process.Idle;
        if (open == 0)
        {
            return "_";
        }
        var text = new StringBuilder(ScoreboardWidth + 8);
        text.Append('R', Math.Min(process.New, ScoreboardWidth));
        text.Append('W', Math.Min(process.Active, ScoreboardWidth - text.Length));
        text.Append('K', Math.Min(process.Idle, ScoreboardWidth - text.Length));
        if (open > ScoreboardWidth)
        {
            text.Append(CultureInfo.InvariantCulture, $"+{open - ScoreboardWidth}");
        }
        return text.ToString();
    }

    private static double Seconds(TimeSpan span) => Math.Round(Math.Max(span.TotalSeconds, 0), 1);

    private static double Milliseconds(TimeSpan span) => Math.Round(span.TotalMilliseconds, 3);
}

/// <summary>Open connections by state (Go's ConnState): New (no request yet), Active, Idle (keep-alive).</summary>
public sealed record ConnectionCounts(int New, int Active, int Idle)
{
    /// <summary>All open connections.</summary>
    public int Open => New + Active + Idle;
}

/// <summary>Latency percentiles, in milliseconds (upper bounds of 12.5%-wide buckets).</summary>
public sealed record LatencySummary(double P50, double P99);

/// <summary>One serving process.</summary>
public sealed record WorkerStatus(int Pid, double UptimeSeconds, long Requests, double RequestsPerSecond, ConnectionCounts Connections, string Scoreboard);
