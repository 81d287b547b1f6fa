// Once a second, writes what a process cannot count on the fly into its scoreboard slot: its connections
// by state (from the ConnectionRegistry) and its request rate over the last second. One timer per server
// process, only while the status page or metrics are on.
using Skein.Server.Lifecycle;

namespace Skein.Server.Observability;

/// <summary>Samples a process's connections and request rate into its <see cref="Scoreboard"/> slot.</summary>
public sealed class ScoreboardSampler : IDisposable
{
    /// <summary>How often: once a second, as Apache's mod_status refresh and Prometheus' finest scrape.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Scoreboard _board;
    private readonly ConnectionRegistry _connections;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private long _lastRequests;
    private long _lastTimestamp;

    /// <summary>Starts sampling.</summary>
    public ScoreboardSampler(Scoreboard board, ConnectionRegistry connections, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(time);
        (_board, _connections, _time) = (board, connections, time);
        _lastTimestamp = time.GetTimestamp();
        _timer = time.CreateTimer(_ => Sample(), null, Interval, Interval);
    }

    /// <summary>Takes one sample now (the timer calls it; tests may too).</summary>
    public void Sample()
    {
        int fresh = 0, active = 0, idle = 0;
        foreach (var connection in _connections.Snapshot())
        {
            switch (connection.State)
            {
                case ConnectionState.New: fresh++; break;
                case ConnectionState.Active: active++; break;
                case ConnectionState.Idle: idle++; break;
            }
        }
        var now = _time.GetTimestamp();
        var requests = _board.OwnRequests;
        var seconds = _time.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
        var rate = seconds > 0 ? (requests - _lastRequests) / seconds : 0;
        (_lastRequests, _lastTimestamp) = (requests, now);
        _board.Sample(fresh, active, idle, rate);
    }

    /// <summary>Stops the timer.</summary>
    public void Dispose() => _timer.Dispose();
}
