// Maps a ConcurrencyModel value to its driver: the one switch the host dispatches through, for a server
// and, in a worker process, for what that model's workers run.
using Skein.Server.Processes;

namespace Skein.Server.Models;

/// <summary>Creates the driver of a concurrency model.</summary>
public static class ModelFactory
{
    /// <summary>The driver for <see cref="ServerOptions.Model"/>. The process models also need
    /// <paramref name="launch"/>: how the host starts a worker process. Throws <see cref="NotSupportedException"/>
    /// for a model not built into this version, <see cref="ArgumentException"/> for a process model without a launch.</summary>
    public static IConcurrencyModel Create(ServerContext server, WorkerLaunch? launch = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.Options.Model switch
        {
            ConcurrencyModel.Single => new SingleModel(server),
            ConcurrencyModel.Thread => new ThreadPerConnectionModel(server),
            ConcurrencyModel.ThreadPool => new ThreadPoolModel(server),
            ConcurrencyModel.Async => new EventLoopModel(server),
            ConcurrencyModel.Process => new ProcessPerConnectionModel(server, Require(launch)),
            ConcurrencyModel.ProcessPool => new ProcessPoolModel(server, Require(launch)),
            ConcurrencyModel.Hybrid => new HybridModel(server, Require(launch)),
            var other => throw new NotSupportedException($"The {other} model is not available in this build."),
        };
    }

    /// <summary>In a worker process: runs what <paramref name="worker"/>'s model gives its workers to do;
    /// returns the process exit code.</summary>
    public static int RunWorker(ProcessWorker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return worker.Server.Options.Model switch
        {
            ConcurrencyModel.Process => ProcessPerConnectionModel.Work(worker),
            ConcurrencyModel.ProcessPool => ProcessPoolModel.Work(worker),
            ConcurrencyModel.Hybrid => HybridModel.Work(worker),
            var other => throw new ArgumentOutOfRangeException(nameof(worker), other, "not a process model: it has no worker processes"),
        };
    }

    private static WorkerLaunch Require(WorkerLaunch? launch)
        => launch ?? throw new ArgumentException("A process model needs a WorkerLaunch from its host: how to start a worker process.", nameof(launch));
}
