// Runs a server from start to exit: binds (or takes) the listener, logs the first line, routes signals to
// the shutdown coordinator, runs the model, then drains and joins. It does not parse options or build the
// application (the CLI does) and it contains no model-specific code.
using System.Globalization;
using Microsoft.Extensions.Logging;
using Skein.Server.Lifecycle;
using Skein.Server.Logging;
using Skein.Server.Models;

namespace Skein.Server;

/// <summary>The lifecycle of a whole server process.</summary>
public static class ServerHost
{
    /// <summary>
    /// Runs <paramref name="model"/> on <paramref name="listener"/> until shutdown is requested (a signal
    /// when <paramref name="handleSignals"/>, or <see cref="ShutdownCoordinator.RequestStop"/>), then
    /// runs the shutdown sequence and joins the model. Returns the process exit code: 0. With
    /// <paramref name="handleSignals"/>, SIGHUP reloads from <paramref name="configuration"/> and SIGUSR1 reopens
    /// the log files (<see cref="Reloader"/>); a service manager is told of each step (<see cref="ServiceNotifier"/>).
    /// </summary>
    public static int Run(ServerContext server, Listener listener, IConcurrencyModel model, bool handleSignals = true, IConfigurationSource? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(model);
        var options = server.Options;
        var (workers, standby, whatRuns) = WhatRuns(options);
        server.Shutdown.OnStopAccepting(listener.Stop);
        using var notifier = ServiceNotifier.FromEnvironment();
        server.Shutdown.OnStopAccepting(notifier.Stopping);
        using var reloader = new Reloader(server, model, configuration, notifier);
        // Signals are routed before the first line: whoever reads it (a supervisor, a test, a person) may send
        // SIGTERM at once, and must get the graceful shutdown, not the runtime's default exit.
        using (handleSignals ? server.Shutdown.HandleSignals() : null)
        using (handleSignals ? reloader.HandleSignals() : null)
        {
            ServerLog.Started(server.Log, whatRuns, ModelName(options.Model), workers, standby, Environment.ProcessId,
                listener.EndPoint.ToString(), options.Folder ?? "-");
            notifier.Ready("serving");
            model.Run(listener, server.Shutdown.Stopping);
            // The model returns when the listener stopped: normally because shutdown was requested; if the
            // listener failed on its own, shut down the same way.
            server.Shutdown.RequestStop("the listener stopped");
            server.Shutdown.WaitForConnections();
            var joined = model.Join(JoinTimeout);
            LogStopped(server, servesInWorkers: IsProcessModel(options.Model));
            if (!joined)
            {
                ServerLog.NotJoined(server.Log, JoinTimeout.TotalSeconds);
            }
        }
        (model as IDisposable)?.Dispose();
        return 0;
    }

    /// <summary>How long the threads or processes of a model get to finish once the connections closed.</summary>
    public static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Logs the last line of a shutdown: how long it took, how many requests in flight finished and
    /// how many were cut. A process model's master (<paramref name="servesInWorkers"/>) has no connections and
    /// says so; its workers count theirs (<see cref="LogWorkerStopped"/>).</summary>
    public static void LogStopped(ServerContext server, bool servesInWorkers = false)
    {
        ArgumentNullException.ThrowIfNull(server);
        var summary = server.Shutdown.Summary();
        var ms = (long)summary.Elapsed.TotalMilliseconds;
        if (servesInWorkers)
        {
            ServerLog.StoppedMaster(server.Log, ms);
        }
        else if (summary.Cut > 0)
        {
            ServerLog.StoppedCutting(server.Log, ms, summary.Finished, summary.Cut, summary.Deadline.TotalSeconds);
        }
        else
        {
            ServerLog.Stopped(server.Log, ms, summary.Finished);
        }
    }

    /// <summary>A worker process's account of its own connections at shutdown (its master's last line does not
    /// count them): logged only when it had requests in flight, so an idle shutdown stays one line.</summary>
    public static void LogWorkerStopped(ServerContext server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var summary = server.Shutdown.Summary();
        if (summary.Finished + summary.Cut > 0)
        {
            ServerLog.WorkerStopped(server.Log, Environment.ProcessId, (long)summary.Elapsed.TotalMilliseconds, summary.Finished, summary.Cut);
        }
    }

    /// <summary>What the start-up line says runs: the workers= and standby= values and the same in words.
    /// Standby processes are started ahead and serve nobody yet: the process model's spares (one per
    /// connection to come), and the supervisor's one warm standby for process-pool and hybrid (it takes
    /// over a worker that dies), so `workers=2` shows three worker processes.</summary>
    public static (string Workers, int Standby, string Words) WhatRuns(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var n = options.EffectiveWorkers;
        var count = n.ToString(CultureInfo.InvariantCulture);
        return options.Model switch
        {
            ConcurrencyModel.Single => ("1", 0, "one thread serves one connection at a time"),
            ConcurrencyModel.Thread => ("per-connection", 0, "a new thread for each connection"),
            ConcurrencyModel.ThreadPool => (count, 0, $"{Plural(n, "pool thread")} fed by a queue of {options.QueueCapacity}"),
            ConcurrencyModel.Async => (count, 0, $"{Plural(n, "event loop")} in this process"),
            ConcurrencyModel.Process => ("per-connection", n, $"a new process for each connection, {Plural(n, "spare process", "spare processes")} started ahead"),
            ConcurrencyModel.ProcessPool => (count, WarmStandby, $"{Plural(n, "worker process", "worker processes")} and {WarmStandby} warm standby that takes over a worker that dies"),
            ConcurrencyModel.Hybrid when HybridModel.SharesListener(options) => (count, WarmStandby, $"1 worker process with an event loop that accepts by itself, and {WarmStandby} warm standby that takes over if it dies"),
            ConcurrencyModel.Hybrid => (count, WarmStandby, $"{Plural(n, "worker process", "worker processes")} with an event loop each, and {WarmStandby} warm standby that takes over a worker that dies"),
            _ => (count, 0, ModelName(options.Model)),
        };
    }

    // Supervisor keeps one prepared standby process beside the workers of process-pool and hybrid.
    private const int WarmStandby = 1;

    private static bool IsProcessModel(ConcurrencyModel model)
        => model is ConcurrencyModel.Process or ConcurrencyModel.ProcessPool or ConcurrencyModel.Hybrid;

    private static string Plural(int n, string one, string? many = null)
        => n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? one : many ?? one + "s");

    /// <summary>The model as the command line spells it: <c>thread-pool</c>.</summary>
    public static string ModelName(ConcurrencyModel model) => model switch
    {
        ConcurrencyModel.ThreadPool => "thread-pool",
        ConcurrencyModel.ProcessPool => "process-pool",
        _ => model.ToString().ToLowerInvariant(),
    };
}
