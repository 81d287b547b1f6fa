// The hybrid model (nginx's processes, Netty's round-robin): N worker processes, each running one event
// loop; the master hands the connections out in turn. Both sides are here: what the master does (Run) and
// what each worker runs (Work); the process mechanics are in Processes/.

using Skein.Server.Lifecycle;
using Skein.Server.Processes;
using Skein.Server.Threading;

namespace Skein.Server.Models;

/// <summary>
/// Hybrid, nginx-style processes: the master starts N worker processes (default: one per core), accepts
/// every connection and hands it (SCM_RIGHTS) to the next worker in turn, so each worker gets the same
/// share (docs/processes.md measures why this beats letting the workers race for the listening socket).
/// With one worker there is nothing to share out: the master gives that worker the listening socket and its
/// loop accepts by itself, as nginx's one worker does, so no connection pays for a second process on its path.
/// Each worker runs one event loop serving all its connections asynchronously, so a worker holds thousands
/// of idle or waiting connections on one thread, and the N processes use every core. A CPU-bound handler
/// stalls only its own worker's loop; a crash loses only its worker's connections, and the master starts
/// a replacement.
/// </summary>
public sealed class HybridModel(ServerContext server, WorkerLaunch launch) : IConcurrencyModel, IReconfigurable, IDisposable
{
    private readonly ProcessMaster _master = new(server, launch);

    /// <summary>The master: starts <c>-w</c> workers (and one standby) and replaces any that dies; accepts
    /// and hands each connection to the next ready worker in turn, until shutdown. With <c>-w 1</c> it gives the
    /// worker the listening socket instead, chosen at start: a reload to more workers has them share it, as
    /// process-pool's do (restart to hand out again), and a reload from more to one hands out to that one.</summary>
    public void Run(Listener listener, CancellationToken stopping)
    {
        if (SharesListener(server.Options))
        {
            _master.RunSharing(listener, stopping);
        }
        else
        {
            _master.RunHandingOut(listener, stopping);
        }
    }

    /// <summary>Whether the master gives its one worker the listening socket rather than handing out.</summary>
    public static bool SharesListener(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.EffectiveWorkers == 1;
    }

    /// <summary>A worker: one event loop serving every connection the master hands it, or, given the listening
    /// socket, every connection it accepts (<c>-w</c> counts processes in the master, not loops in a worker).</summary>
    public static int Work(ProcessWorker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        using var loop = new EventLoopGroup(1, worker.Server.Log);
        return worker.ServeHandedOut(loop);
    }

    /// <inheritdoc/>
    public bool Join(TimeSpan timeout) => _master.Join(timeout);

    /// <summary>SIGHUP: a new generation of workers with <paramref name="options"/> takes over once all are
    /// ready; the old one drains (ProcessMaster.Reload).</summary>
    public bool Reload(ServerOptions options, WorkerLaunch launch) => _master.Reload(options, launch);

    /// <inheritdoc/>
    public void ReopenLogs() => _master.ReopenLogs();

    /// <summary>Releases the shared memory's descriptor.</summary>
    public void Dispose() => _master.Dispose();
}
