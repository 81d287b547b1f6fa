// The master's side of the two models whose workers share the listening socket (process-pool and hybrid):
// start N `skein worker` processes, hand each the listening socket and the shared waiter page, supervise
// them, and lead their shutdown. What a worker does with the socket (one blocking connection at a time,
// or one event loop) is decided on the worker's side, in WorkerHost; this class does not know.

using Skein.Server.Lifecycle;
using Skein.Server.Models;

namespace Skein.Server.Processes;

/// <summary>
/// A master that supervises N worker processes accepting from one shared listening socket. The master
/// accepts nothing itself: it replaces a worker that dies and leads shutdown.
/// </summary>
public abstract class SharedSocketMaster(ServerContext server, WorkerLaunch? launch) : IConcurrencyModel, IDisposable
{
    private readonly SharedSignal _shared = SharedSignal.Create();
    private Supervisor? _supervisor;

    /// <inheritdoc/>
    public void Run(Listener listener, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(listener);
        _supervisor = new Supervisor(launch ?? WorkerLaunch.ForThisServer(), server.Options.EffectiveWorkers,
            worker => WorkerMaster.Prepare(worker, _shared), worker => WorkerMaster.Activate(worker, listener), server.Log);
        WorkerMaster.Supervise(_supervisor, server, stopping);
    }

    /// <inheritdoc/>
    public bool Join(TimeSpan timeout) => _supervisor is null || WorkerMaster.Stop(_supervisor, server, timeout);

    /// <summary>Releases the shared page's descriptor.</summary>
    public void Dispose()
    {
        _shared.Dispose();
        GC.SuppressFinalize(this);
    }
}
