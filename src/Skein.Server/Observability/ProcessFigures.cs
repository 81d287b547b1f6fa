// The figures of one slot of the Scoreboard, as read at one moment, or the sum of several. A plain value
// holder: Scoreboard fills it, StatusReport and MetricsExporter turn it into what users read.

namespace Skein.Server.Observability;

/// <summary>What one server process counted (or, summed, a whole server).</summary>
public sealed class ProcessFigures
{
    /// <summary>The process id; 0 for a sum.</summary>
    public int Pid { get; init; }

    /// <summary>When the process began counting.</summary>
    public DateTimeOffset Started { get; init; }

    /// <summary>Responses written.</summary>
    public long Requests { get; set; }

    /// <summary>Response bytes written (heads and bodies).</summary>
    public long Bytes { get; set; }

    /// <summary>Connections accepted.</summary>
    public long Accepted { get; set; }

    /// <summary>Connections open that have not sent a request yet (Apache's "reading").</summary>
    public int New { get; set; }

    /// <summary>Connections with a request in progress.</summary>
    public int Active { get; set; }

    /// <summary>Keep-alive connections waiting for their next request.</summary>
    public int Idle { get; set; }

    /// <summary>Requests per second over the sampler's last interval (one second).</summary>
    public double RequestsPerSecond { get; set; }

    /// <summary>Responses by status: index 0 is 100, index 499 is 599.</summary>
    public long[] Statuses { get; } = new long[500];

    /// <summary>Responses with a status outside 100–599.</summary>
    public long OtherStatuses { get; set; }

    /// <summary>Responses by latency bucket (<see cref="Scoreboard.BucketOf"/>).</summary>
    public long[] Latency { get; } = new long[Scoreboard.Buckets];

    /// <summary>Adds <paramref name="other"/>'s counts to these.</summary>
    public void Add(ProcessFigures other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Requests += other.Requests;
        Bytes += other.Bytes;
        Accepted += other.Accepted;
        New += other.New;
        Active += other.Active;
        Idle += other.Idle;
        RequestsPerSecond += other.RequestsPerSecond;
        OtherStatuses += other.OtherStatuses;
        for (var i = 0; i < Statuses.Length; i++)
        {
            Statuses[i] += other.Statuses[i];
        }
        for (var i = 0; i < Latency.Length; i++)
        {
            Latency[i] += other.Latency[i];
        }
    }

    /// <summary>The latency under which <paramref name="fraction"/> of the responses were written (the upper
    /// bound of the bucket that holds that rank); zero before the first response.</summary>
    public TimeSpan Percentile(double fraction)
    {
        long count = 0;
        foreach (var n in Latency)
        {
            count += n;
        }
        if (count == 0)
        {
            return TimeSpan.Zero;
        }
        var rank = (long)Math.Ceiling(fraction * count);
        long seen = 0;
        for (var b = 0; b < Latency.Length; b++)
        {
            seen += Latency[b];
            if (seen >= rank)
            {
                return TimeSpan.FromMicroseconds(Scoreboard.UpperBoundOf(b));
            }
        }
        return TimeSpan.FromMicroseconds(Scoreboard.UpperBoundOf(Latency.Length - 1));
    }
}
