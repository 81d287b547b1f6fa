// The hybrid model (nginx): N worker processes, each running one event loop over the shared listening
// socket. Both sides are here: what the master does (Run) and what each worker runs (Work); the process
// mechanics are in Processes/.

using Skein.Server.Lifecycle;
using Skein.Server.Processes;

namespace Skein.Server.Models;

/// <summary>
/// Hybrid, nginx-style: the master starts N worker processes (default: one per core) and hands each the
/// listening socket once. Each worker runs one event loop serving all its connections asynchronously, so a
/// worker holds thousands of idle or waiting connections on one thread, and the N processes use every
/// core. A CPU-bound handler stalls only its own worker's loop; a crash loses only its worker's
/// connections, and the master starts a replacement.
/// </summary>
public sealed class HybridModel(ServerContext server, WorkerLaunch launch) : IConcurrencyModel, IDisposable
{
    private readonly ProcessMaster _master = new(server, launch);

    /// <summary>The master: starts <c>-w</c> workers (and one standby), gives each the listening socket,
    /// and replaces any that dies until shutdown.</summary>
    public void Run(Listener listener, CancellationToken stopping) => _master.RunSharing(listener, stopping);

    /// <summary>A worker: the async model with one event loop over the shared listening socket (<c>-w</c>
    /// counts processes in the master, not loops in a worker).</summary>
    public static int Work(ProcessWorker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return worker.ServeListener(new EventLoopModel(worker.Server, loops: 1));
    }

    /// <inheritdoc/>
    public bool Join(TimeSpan timeout) => _master.Join(timeout);

    /// <summary>Releases the shared memory's descriptor.</summary>
    public void Dispose() => _master.Dispose();
}
