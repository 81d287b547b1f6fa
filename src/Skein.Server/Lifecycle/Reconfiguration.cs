// What a reload (SIGHUP) may change, and where: a pure function of the running options and the new ones. It
// applies nothing (Reloader and the models do) and reads no file (the host does).
//
// Three kinds of option: the listening socket's and the model (Host, Port, Backlog, DeferAccept, NotSentLowWater,
// Model) never change without a restart, whatever the model; options read per connection (limits, timeouts, the
// access log) change in place in any process; everything else is fixed when a process starts (worker counts, the
// connection limit, the shutdown timeout, the log level, the folder), so only models that start new worker
// processes on a reload apply it — to those new workers.
namespace Skein.Server.Lifecycle;

/// <summary>How a reload applies new options.</summary>
/// <param name="InProcess">The options this process runs with from now on (see <see cref="ServerContext.Apply"/>).</param>
/// <param name="Workers">The options new worker processes start with; null when the model has none.</param>
/// <param name="NeedRestart">The options that changed but keep their running values until a restart, by name.</param>
public sealed record ReconfigurationPlan(ServerOptions InProcess, ServerOptions? Workers, IReadOnlyList<string> NeedRestart);

/// <summary>The rules of a reload.</summary>
public static class Reconfiguration
{
    /// <summary>Plans the change from <paramref name="running"/> to <paramref name="next"/>; with
    /// <paramref name="startsWorkers"/> (process-pool, hybrid) new worker processes take everything but the
    /// listening socket and the model.</summary>
    public static ReconfigurationPlan Plan(ServerOptions running, ServerOptions next, bool startsWorkers)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(next);
        var restart = new List<string>();
        Note(restart, nameof(ServerOptions.Host), running.Host, next.Host);
        Note(restart, nameof(ServerOptions.Port), running.Port, next.Port);
        Note(restart, nameof(ServerOptions.Backlog), running.Backlog, next.Backlog);
        Note(restart, nameof(ServerOptions.DeferAccept), running.DeferAccept, next.DeferAccept);
        Note(restart, nameof(ServerOptions.NotSentLowWater), running.NotSentLowWater, next.NotSentLowWater);
        Note(restart, nameof(ServerOptions.Model), running.Model, next.Model);
        var workers = next with { Host = running.Host, Port = running.Port, Backlog = running.Backlog, DeferAccept = running.DeferAccept,
            NotSentLowWater = running.NotSentLowWater, Model = running.Model };
        var inProcess = PerConnection(running, next);
        if (!startsWorkers && inProcess != workers)
        {
            // Fixed at process start: named when they are the usual suspects, else said in general.
            var before = restart.Count;
            Note(restart, nameof(ServerOptions.Workers), running.Workers, next.Workers);
            Note(restart, nameof(ServerOptions.MaxConnections), running.MaxConnections, next.MaxConnections);
            Note(restart, nameof(ServerOptions.QueueCapacity), running.QueueCapacity, next.QueueCapacity);
            Note(restart, nameof(ServerOptions.ShutdownTimeout), running.ShutdownTimeout, next.ShutdownTimeout);
            Note(restart, nameof(ServerOptions.Verbose), running.Verbose, next.Verbose);
            Note(restart, nameof(ServerOptions.Folder), running.Folder, next.Folder);
            Note(restart, nameof(ServerOptions.HealthPath), running.HealthPath, next.HealthPath);
            if (restart.Count == before)
            {
                restart.Add("options fixed at start");
            }
        }
        return new ReconfigurationPlan(startsWorkers ? PerConnection(running, workers) : inProcess, startsWorkers ? workers : null, restart);
    }

    // The running options with those a process reads per connection (or can swap: the access log) taken from next.
    private static ServerOptions PerConnection(ServerOptions running, ServerOptions next) => running with
    {
        Limits = next.Limits,
        HeaderTimeout = next.HeaderTimeout,
        KeepAliveTimeout = next.KeepAliveTimeout,
        BodyReadTimeout = next.BodyReadTimeout,
        AccessLog = next.AccessLog,
    };

    private static void Note<T>(List<string> restart, string name, T running, T next)
    {
        if (!EqualityComparer<T>.Default.Equals(running, next))
        {
            restart.Add(name);
        }
    }
}
