// The process-pool model (pre-fork): N long-lived worker processes share the listening socket and each
// serves one connection at a time with blocking I/O. Both sides are here: what the master does (Run) and
// what each worker runs (Work); the process mechanics are in Processes/.

using Skein.Server.Lifecycle;
using Skein.Server.Processes;

namespace Skein.Server.Models;

/// <summary>
/// Process pool, like Apache prefork or gunicorn's sync workers: the master starts N worker processes and
/// hands each the listening socket once (SCM_RIGHTS). Every idle worker blocks in accept on it and the
/// kernel gives each new connection to one of them; a busy worker is not accepting, so connections go to
/// idle ones and N slow requests occupy all N workers. A worker waiting for its client's bytes watches the
/// listener too and takes what no idle worker did into its own bounded line (503 past it). The master
/// accepts nothing: it supervises, replacing a worker that dies, and leads shutdown. A crash takes down one
/// worker's connections, never the server.
/// </summary>
public sealed class ProcessPoolModel(ServerContext server, WorkerLaunch launch) : IConcurrencyModel, IReconfigurable, IDisposable
{
    private readonly ProcessMaster _master = new(server, launch);

    /// <summary>The master: starts <c>-w</c> workers (and one standby), gives each the listening socket,
    /// and replaces any that dies until shutdown.</summary>
    public void Run(Listener listener, CancellationToken stopping) => _master.RunSharing(listener, stopping);

    /// <summary>How long a busy worker leaves a newcomer in the shared backlog for an idle worker before it takes
    /// it into its own line (<see cref="SingleModel"/>): 1 s, still a quick 503 when every worker is held. A
    /// newcomer taken while some worker was idle after all is the costly mistake: it waits behind the busy
    /// worker's client, and behind a long poll (/wait) until the notify. 20 ms was not enough on a loaded CI
    /// machine, where an idle worker is not always scheduled that soon (a /wait got stuck behind another).</summary>
    public static readonly TimeSpan BusyWorkerPatience = TimeSpan.FromSeconds(1);

    /// <summary>A worker: the single model over the shared listening socket — block in accept, serve that
    /// one connection with blocking I/O until it closes, accept again. While it waits for its client's bytes it
    /// watches the listener too: a newcomer no idle worker took within <see cref="BusyWorkerPatience"/> waits in
    /// its line (<c>--queue</c>), or gets a quick 503 past it, so tricklers holding every worker cannot hang the
    /// server's other clients.</summary>
    public static int Work(ProcessWorker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return worker.ServeListener(new SingleModel(worker.Server, BusyWorkerPatience));
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
