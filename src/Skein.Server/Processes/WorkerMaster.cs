// The master's side of the process models' lifecycle, shared by the three model drivers: run the
// supervision until shutdown, then stop the workers within the shutdown deadline. It does not start or
// watch processes itself (Supervisor and SpareWorkers do).

using System.ComponentModel;
using Skein.Server.Lifecycle;

namespace Skein.Server.Processes;

/// <summary>Glue between a process model's master and the server's shutdown sequence.</summary>
public static class WorkerMaster
{
    /// <summary>Margin the master gives workers beyond their own shutdown deadline before killing them: a
    /// worker aborts its connections at the deadline and then needs a moment to close them and exit.</summary>
    public static readonly TimeSpan ExitMargin = TimeSpan.FromSeconds(5);

    /// <summary>The first message to every new worker: the shared page. A worker that died at once just
    /// misses it; its exit is handled as usual.</summary>
    public static void Prepare(WorkerProcess worker, SharedSignal shared)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(shared);
        worker.TrySend(new WorkerMessage(WorkerMessageKind.Shared), shared.Handle);
    }

    /// <summary>Puts a prepared pool or hybrid worker to work: sends it the listening socket.</summary>
    public static void Activate(WorkerProcess worker, Listener listener)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(listener);
        worker.TrySend(new WorkerMessage(WorkerMessageKind.Listen), listener.Socket.SafeHandle);
    }

    /// <summary>Runs <paramref name="supervisor"/> on the calling thread until <paramref name="stopping"/>
    /// fires. If the workers cannot be kept running (they die before becoming ready, or the program cannot
    /// be started), logs it and requests the server's shutdown.</summary>
    public static void Supervise(Supervisor supervisor, ServerContext server, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(supervisor);
        ArgumentNullException.ThrowIfNull(server);
        try
        {
            // The master's accept thread has nothing else to do: it waits here (no synchronization context).
            supervisor.RunAsync(stopping).GetAwaiter().GetResult();
        }
        catch (InvalidOperationException e)
        {
            ProcessLog.SupervisionFailed(server.Log, e.Message);
            server.Shutdown.RequestStop("worker processes keep failing");
        }
        catch (Win32Exception e)
        {
            ProcessLog.SpawnFailed(server.Log, e.Message);
            server.Shutdown.RequestStop("worker processes cannot be started");
        }
    }

    /// <summary>Stops the supervised workers gracefully; see <see cref="Deadline"/>.</summary>
    public static bool Stop(Supervisor supervisor, ServerContext server, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(supervisor);
        return supervisor.StopAsync(Deadline(server, timeout)).GetAwaiter().GetResult();
    }

    /// <summary>Stops the per-connection processes gracefully; see <see cref="Deadline"/>.</summary>
    public static bool Stop(SpareWorkers processes, ServerContext server, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(processes);
        return processes.StopAsync(Deadline(server, timeout)).GetAwaiter().GetResult();
    }

    /// <summary>How long the master waits for its workers: each worker gives its in-flight requests what is
    /// left of the shutdown timeout, so the master waits that plus <see cref="ExitMargin"/> (at least
    /// <paramref name="timeout"/>) before it kills stragglers.</summary>
    public static TimeSpan Deadline(ServerContext server, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(server);
        var workers = server.Shutdown.Remaining + ExitMargin;
        return workers > timeout ? workers : timeout;
    }
}
