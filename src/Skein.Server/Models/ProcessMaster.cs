// The master's side of the three process models, shared by their drivers: the memory every worker shares,
// each worker's start message, handing out the listening socket, running the supervision until shutdown
// and stopping the workers within the shutdown deadline. How many workers run and what they do is said in
// each model's own file; starting and watching processes is Processes/ (Supervisor, SpareWorkers).

using System.ComponentModel;
using Skein.Server.Lifecycle;
using Skein.Server.Observability;
using Skein.Server.Processes;

namespace Skein.Server.Models;

/// <summary>Glue between a process model's master, its workers and the server's shutdown sequence.</summary>
internal sealed class ProcessMaster(ServerContext server, WorkerLaunch launch) : IDisposable
{
    /// <summary>Margin the master gives workers beyond their own shutdown deadline before killing them: a
    /// worker aborts its connections at the deadline and then needs a moment to close them and exit.</summary>
    public static readonly TimeSpan ExitMargin = TimeSpan.FromSeconds(5);

    private readonly SharedSignal _shared = SharedSignal.Create();
    private readonly Lock _scoreboardGate = new();
    private Scoreboard? _scoreboard;
    private Supervisor? _supervisor;
    private SpareWorkers? _spares;

    /// <summary>process-pool: starts <c>-w</c> workers and one standby, gives each worker the listening
    /// socket, and replaces any that dies, until <paramref name="stopping"/> fires. Runs on the calling thread
    /// (the master accepts nothing itself).</summary>
    public void RunSharing(Listener listener, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(listener);
        _supervisor = new Supervisor(launch, server.Options.EffectiveWorkers, Start, worker => Listen(worker, listener), server.Log);
        Supervise(_supervisor, stopping); // the master's accept thread has nothing else to do: it waits here
    }

    /// <summary>hybrid: starts <c>-w</c> workers and one standby and supervises them on a thread of its own;
    /// accepts on the calling thread and hands each connection (SCM_RIGHTS) to the next ready worker in turn,
    /// so every worker gets the same share. While no worker is ready, new connections wait in the listen backlog.</summary>
    public void RunHandingOut(Listener listener, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(listener);
        var supervisor = _supervisor = new Supervisor(launch, server.Options.EffectiveWorkers, Start, _ => { }, server.Log);
        var supervising = new Thread(() => Supervise(supervisor, stopping)) { Name = "supervisor" };
        supervising.Start();
        while (!stopping.IsCancellationRequested && supervisor.Next(stopping) is { } first && server.TryAccept(listener, out var connection))
        {
            // The master's registry only admits (503 when full); the worker's own registry takes it from here.
            server.Connections.Unregister(connection);
            using var socket = connection.Socket; // the master's copy is closed once the worker holds its own
            for (var worker = first; worker is not null; worker = supervisor.Next(stopping))
            {
                if (worker.TrySend(new WorkerMessage(WorkerMessageKind.Serve, connection.Id), socket.SafeHandle))
                {
                    break;
                }
                // That worker died since it was chosen: the next one takes the connection.
            }
        }
        supervising.Join();
    }

    // Runs the supervision until `stopping` fires. If the workers cannot be kept running (they die before
    // becoming ready, or the program cannot be started), logs it and requests the server's shutdown.
    private void Supervise(Supervisor supervisor, CancellationToken stopping)
    {
        try
        {
            // No synchronization context on this thread: blocking on the task is safe here.
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

    /// <summary>process: starts <paramref name="count"/> spare processes for one connection each, at most
    /// <paramref name="maxStarting"/> starting at once, with up to <paramref name="queueCapacity"/> requests waiting.</summary>
    public SpareWorkers StartSpares(int count, int maxStarting, int queueCapacity)
    {
        _spares = new SpareWorkers(launch, count, maxStarting, queueCapacity, Start, server.Log);
        _spares.Start();
        return _spares;
    }

    /// <summary>After shutdown: stops the workers gracefully, giving each what is left of the shutdown
    /// timeout plus <see cref="ExitMargin"/> (at least <paramref name="timeout"/>) before killing stragglers.
    /// True if all exited by themselves.</summary>
    public bool Join(TimeSpan timeout)
    {
        var deadline = Deadline(timeout);
        var supervised = _supervisor is null || _supervisor.StopAsync(deadline).GetAwaiter().GetResult();
        var spares = _spares is null || _spares.StopAsync(deadline).GetAwaiter().GetResult();
        return supervised && spares;
    }

    /// <summary>The first message to every new worker: its settings, the shared memory and its own slot of
    /// the shared counter, which goes back to the pool (cleared) when the worker exits, however it exits.</summary>
    private void Start(WorkerProcess worker)
    {
        var slot = _shared.RentSlot();
        // With --status-path the same memfd holds the scoreboard past SharedSignal's bytes, one slot per worker.
        if (server.Options.Observed)
        {
            lock (_scoreboardGate)
            {
                _scoreboard ??= Scoreboard.CreateShared(_shared.Handle, SharedSignal.MappedBytes, server.Time);
                _scoreboard.Claim(slot);
            }
        }
        // Runs once, synchronously, when the process is reaped; ReturnSlot cannot fail for a slot from RentSlot.
        _ = worker.Exited.ContinueWith(_ =>
        {
            _scoreboard?.Retire(slot);
            _shared.ReturnSlot(slot);
        }, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        WorkerStart.Send(worker, launch.Settings, _shared, slot); // a worker that died at once just misses it
    }

    /// <summary>Puts a started pool or hybrid worker to work: sends it the listening socket.</summary>
    private static void Listen(WorkerProcess worker, Listener listener)
        => worker.TrySend(new WorkerMessage(WorkerMessageKind.Listen), listener.Socket.SafeHandle);

    /// <summary>Releases the shared memory's descriptor and the supervisor.</summary>
    public void Dispose()
    {
        _shared.Dispose();
        _supervisor?.Dispose();
    }

    // How long the master waits for its workers: each worker gives its in-flight requests what is left of
    // the shutdown timeout, so the master waits that plus ExitMargin (at least `timeout`) before it kills stragglers.
    private TimeSpan Deadline(TimeSpan timeout)
    {
        var workers = server.Shutdown.Remaining + ExitMargin;
        return workers > timeout ? workers : timeout;
    }
}
