// The master's side of the three process models, shared by their drivers: the memory every worker shares,
// each worker's start message, handing out the listening socket, running the supervision until shutdown,
// replacing the workers with a new generation on a reload, and stopping the workers within the shutdown
// deadline. How many workers run and what they do is said in each model's own file; starting and watching
// processes is Processes/ (Supervisor, SpareWorkers).

using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Skein.Server.Interop;
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

    /// <summary>How long a reload waits for every worker of the new generation to report ready before it
    /// gives up and keeps the old one: far above a .NET start on a loaded machine (about a second).</summary>
    public static readonly TimeSpan GenerationReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly SharedSignal _shared = SharedSignal.Create();
    private readonly Lock _scoreboardGate = new();
    private Scoreboard? _scoreboard;
    // Held while connections are handed to a worker and while the generation switches (hybrid): a batch sent
    // to a worker of the old generation thus always goes out before that worker's Stop, and it reads in order.
    private readonly Lock _switch = new();
    private readonly List<Generation> _generations = [];
    private readonly List<Task<bool>> _draining = [];
    private Generation? _current;
    private Action<WorkerProcess> _activate = _ => { };
    private CancellationToken _stopping;
    private SpareWorkers? _spares;

    /// <summary>process-pool: starts <c>-w</c> workers and one standby, gives each worker the listening
    /// socket, and replaces any that dies, until <paramref name="stopping"/> fires. Runs on the calling thread
    /// (the master accepts nothing itself).</summary>
    public void RunSharing(Listener listener, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(listener);
        Begin(worker => Listen(worker, listener), stopping);
        stopping.WaitHandle.WaitOne(); // the master's accept thread has nothing else to do: it waits here
    }

    /// <summary>hybrid: starts <c>-w</c> workers and one standby and supervises them; accepts on the calling
    /// thread and hands each connection (SCM_RIGHTS) to the next ready worker of the current generation in turn,
    /// so every worker gets the same share. It accepts every connection pending when it wakes (up to
    /// <see cref="HandOutBatch.MaxConnections"/>, as nginx's multi_accept), and each worker's turns among them
    /// travel in one message. While no worker is ready, new connections wait in the listen backlog.</summary>
    public void RunHandingOut(Listener listener, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(listener);
        Begin(_ => { }, stopping);
        listener.PrepareForHandOut();
        // accept4 makes each socket non-blocking and writes its client's address here; the address travels with
        // the socket, so the worker's loop takes it as it is, without a syscall (ServerContext.AdmitHandedOut).
        var address = new byte[UnixSockets.SockAddrBytes];
        var onOutOfDescriptors = () => server.Descriptors.OnExhausted(server.Connections.Count);
        using var accepted = new HandOutBatch();
        using var share = new HandOutBatch();
        var drained = false; // the last round ended on an accept that found nothing: wait before the next accept4
        for (var worker = Next(out var generation);
             worker is not null && listener.TryAcceptDescriptor(address, out var length, out var descriptor, onOutOfDescriptors, drained);
             worker = Next(out generation))
        {
            drained = false;
            Take(accepted, descriptor, address.AsSpan(0, length));
            while (!accepted.IsFull)
            {
                if (!listener.TryAcceptDescriptorNow(address, out length, out descriptor))
                {
                    drained = true;
                    break;
                }
                Take(accepted, descriptor, address.AsSpan(0, length));
            }
            // Connection i of the round goes to the i-th worker in turn from this one (as one at a time would), and the
            // next round starts where one at a time would go on: after 3 connections on 2 workers (2 to the first,
            // 1 to the second), at the second. Without the skip, the first worker of every round got its odd ones.
            var workers = generation.Supervisor.Count;
            var round = accepted.Count;
            for (var turn = 0; turn < Math.Min(workers, round) && worker is not null; turn++)
            {
                if (turn > 0)
                {
                    worker = Next(out generation);
                }
                accepted.MoveEvery(turn, workers, share);
                HandOut(share, worker, generation);
            }
            if (round > workers)
            {
                generation.Supervisor.Skip(round % workers);
            }
            accepted.Clear(); // the server stopped before every turn was handed out: closes the rest
        }
    }

    // Admits an accepted socket (503 past the limit) into the batch for a worker.
    private void Take(HandOutBatch batch, SafeHandle descriptor, ReadOnlySpan<byte> peer)
    {
        if (server.Admit(descriptor, UnixSockets.ToEndPoint(peer)) is not { } connection)
        {
            descriptor.Dispose(); // refused with 503 (connection limit)
            return;
        }
        // The master's registry only admits (503 when full); the worker's own registry takes it from here.
        server.Connections.Unregister(connection);
        batch.Add(descriptor, peer);
    }

    // Sends the batch to `worker`, or, if that one died since it was chosen or its generation was replaced, to the
    // next one; then closes the master's copies.
    private void HandOut(HandOutBatch batch, WorkerProcess? worker, Generation generation)
    {
        while (batch.Count > 0 && worker is not null)
        {
            lock (_switch)
            {
                if (generation == _current && worker.Channel.TrySend(batch.Message, batch.Descriptors))
                {
                    break;
                }
            }
            worker = Next(out generation);
        }
        batch.Clear();
    }

    /// <summary>
    /// process-pool, hybrid (SIGHUP): starts a new generation of workers with <paramref name="next"/>, waits
    /// until every one is ready, makes it the one that serves, and stops the old generation gracefully (it
    /// stops accepting, finishes its in-flight requests and exits within the shutdown timeout). False, with
    /// the old generation serving untouched, if the new one could not be made ready (it is stopped again).
    /// </summary>
    public bool Reload(ServerOptions options, WorkerLaunch next)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(next);
        Generation old;
        lock (_switch)
        {
            if (_current is null || _stopping.IsCancellationRequested)
            {
                ProcessLog.GenerationFailed(server.Log, _current is null ? "the first generation is not started yet" : "the server is stopping");
                return false;
            }
            old = _current;
        }
        var started = Stopwatch.GetTimestamp();
        var fresh = StartGeneration(next, options.EffectiveWorkers);
        // No synchronization context on the reloading thread: blocking on the task is safe here.
        var timeout = Task.Delay(GenerationReadyTimeout, _stopping);
        var first = Task.WhenAny(fresh.Supervisor.AllReady, fresh.Running, timeout).GetAwaiter().GetResult();
        if (first != fresh.Supervisor.AllReady || _stopping.IsCancellationRequested)
        {
            var reason = first == fresh.Running && fresh.Running.Exception?.InnerException is { } e ? e.Message
                : first == timeout && !_stopping.IsCancellationRequested ? $"not all ready within {GenerationReadyTimeout.TotalSeconds:F0} s"
                : "the server is stopping";
            ProcessLog.GenerationFailed(server.Log, reason);
            Retire(fresh).GetAwaiter().GetResult();
            return false;
        }
        lock (_switch)
        {
            _current = fresh;
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        ProcessLog.GenerationServing(server.Log, options.EffectiveWorkers, elapsed.TotalMilliseconds);
        var draining = Retire(old);
        lock (_draining)
        {
            _draining.Add(draining);
        }
        return true;
    }

    /// <summary>SIGUSR1, relayed: tells every worker (serving, draining or on standby) to reopen its log files.</summary>
    public void ReopenLogs()
    {
        Generation[] generations;
        lock (_switch)
        {
            generations = [.. _generations];
        }
        foreach (var worker in generations.SelectMany(generation => generation.Supervisor.Workers))
        {
            worker.TrySend(new WorkerMessage(WorkerMessageKind.ReopenLogs)); // one that exited meanwhile just misses it
        }
    }

    /// <summary>process: starts <paramref name="count"/> spare processes for one connection each, at most
    /// <paramref name="maxStarting"/> starting at once, with up to <paramref name="queueCapacity"/> requests waiting.</summary>
    public SpareWorkers StartSpares(int count, int maxStarting, int queueCapacity)
    {
        _spares = new SpareWorkers(launch, count, maxStarting, queueCapacity, worker => Start(worker, launch), server.Log);
        _spares.Start();
        return _spares;
    }

    /// <summary>After shutdown: stops the workers gracefully, giving each what is left of the shutdown
    /// timeout plus <see cref="ExitMargin"/> (at least <paramref name="timeout"/>) before killing stragglers;
    /// an old generation still draining keeps its own deadline. True if all exited by themselves.</summary>
    public bool Join(TimeSpan timeout)
    {
        var deadline = Deadline(timeout);
        Generation? current;
        Task<bool>[] draining;
        lock (_switch)
        {
            current = _current;
        }
        lock (_draining)
        {
            draining = [.. _draining];
        }
        var supervised = current is null || current.Supervisor.StopAsync(deadline).GetAwaiter().GetResult();
        var drained = Task.WhenAll(draining).GetAwaiter().GetResult().All(inTime => inTime);
        var spares = _spares is null || _spares.StopAsync(deadline).GetAwaiter().GetResult();
        return supervised && drained && spares;
    }

    /// <summary>Releases the shared memory's descriptor and the supervisors.</summary>
    public void Dispose()
    {
        _shared.Dispose();
        lock (_switch)
        {
            foreach (var generation in _generations)
            {
                generation.Supervisor.Dispose();
                generation.Retired.Dispose();
            }
        }
    }

    // The first generation: `activate` puts each of its workers (and of every later generation) to work.
    private void Begin(Action<WorkerProcess> activate, CancellationToken stopping)
    {
        _activate = activate;
        _stopping = stopping;
        var first = StartGeneration(launch, server.Options.EffectiveWorkers);
        lock (_switch)
        {
            _current = first;
        }
    }

    // Starts a generation's supervision (not yet serving, unless it is made current). If the serving generation's
    // workers cannot be kept running (they die before becoming ready, or the program cannot be started), logs it
    // and requests the server's shutdown; a generation that is not (or no longer) serving just ends.
    private Generation StartGeneration(WorkerLaunch workers, int count)
    {
        var supervisor = new Supervisor(workers, count, worker => Start(worker, workers), _activate, server.Log);
        var retired = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        var generation = new Generation(supervisor, retired, supervisor.RunAsync(retired.Token));
        lock (_switch)
        {
            _generations.Add(generation);
        }
        _ = generation.Running.ContinueWith(running =>
        {
            bool serving;
            lock (_switch)
            {
                serving = generation == _current;
            }
            switch (running.Exception?.InnerException)
            {
                case InvalidOperationException e when serving:
                    ProcessLog.SupervisionFailed(server.Log, e.Message);
                    server.Shutdown.RequestStop("worker processes keep failing");
                    break;
                case Win32Exception e when serving:
                    ProcessLog.SpawnFailed(server.Log, e.Message);
                    server.Shutdown.RequestStop("worker processes cannot be started");
                    break;
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return generation;
    }

    // Ends a generation's supervision (no more replacements) and stops its workers gracefully: they stop
    // accepting, finish what is in flight within the shutdown timeout, and are killed after ExitMargin more.
    private Task<bool> Retire(Generation generation)
    {
        generation.Retired.Cancel();
        return generation.Supervisor.StopAsync(server.Options.ShutdownTimeout + ExitMargin);
    }

    // The next ready worker of the serving generation (round-robin), and that generation; waits while none is
    // ready; null once the server stops.
    private WorkerProcess? Next(out Generation generation)
    {
        while (!_stopping.IsCancellationRequested)
        {
            lock (_switch)
            {
                generation = _current!;
            }
            // A generation replaced while this waits ends the wait: the next round asks the new one.
            if (generation.Supervisor.Next(generation.Retired.Token) is { } worker)
            {
                return worker;
            }
        }
        generation = null!;
        return null;
    }

    /// <summary>The first message to every new worker: its settings, the shared memory and its own slot of
    /// the shared counter, which goes back to the pool (cleared) when the worker exits, however it exits.</summary>
    private void Start(WorkerProcess worker, WorkerLaunch workers)
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
        WorkerStart.Send(worker, workers.Settings, _shared, slot); // a worker that died at once just misses it
    }

    /// <summary>Puts a started pool worker to work: sends it the listening socket.</summary>
    private static void Listen(WorkerProcess worker, Listener listener)
        => worker.TrySend(new WorkerMessage(WorkerMessageKind.Listen), listener.Socket.SafeHandle);

    // How long the master waits for its workers: each worker gives its in-flight requests what is left of
    // the shutdown timeout, so the master waits that plus ExitMargin (at least `timeout`) before it kills stragglers.
    private TimeSpan Deadline(TimeSpan timeout)
    {
        var workers = server.Shutdown.Remaining + ExitMargin;
        return workers > timeout ? workers : timeout;
    }

    // One generation of workers: its supervisor, what retires it (linked to the server's stopping), and its
    // supervision's task.
    private sealed record Generation(Supervisor Supervisor, CancellationTokenSource Retired, Task Running);
}
