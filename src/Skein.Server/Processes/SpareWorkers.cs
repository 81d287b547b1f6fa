// A supply of one-use worker processes (the process-per-connection model): a few spare processes started
// ahead of need, each used for exactly one connection, plus the set of processes serving one. Keeping
// spares hides the .NET start-up time (tens of milliseconds) from the client. It does not accept or
// hand sockets over (the model does) and knows nothing of HTTP.

using Microsoft.Extensions.Logging;

namespace Skein.Server.Processes;

/// <summary>
/// Spare worker processes for one-connection-each use. <see cref="TryTake"/> hands out the oldest spare
/// (the one most likely to have finished starting) and starts a replacement; a spare that dies unused is
/// replaced; a process that served its connection is forgotten when it exits.
/// </summary>
public sealed class SpareWorkers(WorkerLaunch launch, int spares, Action<WorkerProcess> onStarted, ILogger log)
{
    private readonly Lock _gate = new();
    private readonly Queue<WorkerProcess> _spares = new();
    private readonly Dictionary<WorkerProcess, long> _busy = [];
    private readonly List<Task> _watchers = [];
    private bool _stopping;

    /// <summary>Processes serving a connection now.</summary>
    public int Busy
    {
        get
        {
            lock (_gate)
            {
                return _busy.Count;
            }
        }
    }

    /// <summary>Starts the spares.</summary>
    public void Start()
    {
        for (var i = 0; i < spares; i++)
        {
            TryAddSpare();
        }
    }

    /// <summary>Takes a process for connection <paramref name="connectionId"/> (starting one when no spare is
    /// left) and arranges its replacement. Null when none could be started (the error is logged).</summary>
    public WorkerProcess? TryTake(long connectionId)
    {
        while (true)
        {
            WorkerProcess? worker = null;
            lock (_gate)
            {
                while (worker is null && _spares.TryDequeue(out var spare))
                {
                    worker = spare.HasExited ? null : spare;
                }
                if (worker is not null)
                {
                    _busy[worker] = connectionId;
                }
            }
            if (worker is null)
            {
                // No spare left (a burst): start one now; it takes this connection and the next spare is not
                // started before it is ready.
                if (!TryAddSpare())
                {
                    return null;
                }
                continue;
            }
            // The replacement spare starts once the taken process is ready: in a burst, processes that already
            // have a client get the CPU before spares for clients that have not come yet.
            if (worker.Ready.IsCompleted)
            {
                TryAddSpare();
            }
            else
            {
                lock (_gate)
                {
                    _watchers.Add(worker.Ready.ContinueWith(_ => TryAddSpare(), CancellationToken.None,
                        TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
                }
            }
            return worker;
        }
    }

    /// <summary>Stops every spare and busy process: Stop message (a busy one finishes its request first),
    /// wait up to <paramref name="timeout"/>, kill the rest. True if all exited by themselves.</summary>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        List<WorkerProcess> all;
        Task[] watchers;
        int busy;
        lock (_gate)
        {
            _stopping = true;
            all = [.. _spares, .. _busy.Keys];
            busy = _busy.Count;
            _spares.Clear();
            watchers = [.. _watchers];
        }
        if (busy > 0)
        {
            ProcessLog.WaitingForWorkers(log, busy, timeout.TotalSeconds);
        }
        var inTime = await Supervisor.StopAllAsync(all, timeout, log);
        await Task.WhenAll(watchers);
        return inTime;
    }

    private bool TryAddSpare()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return false;
            }
        }
        WorkerProcess worker;
        try
        {
            worker = WorkerProcess.Start(launch, log);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            ProcessLog.SpawnFailed(log, e.Message);
            return false;
        }
        onStarted(worker);
        lock (_gate)
        {
            if (_stopping)
            {
                // Shutdown began meanwhile: this one is not needed.
                worker.RequestStop();
                worker.Dispose();
                return false;
            }
            _spares.Enqueue(worker);
            _watchers.Add(WatchAsync(worker));
            _watchers.RemoveAll(t => t.IsCompleted);
        }
        return true;
    }

    private async Task WatchAsync(WorkerProcess worker)
    {
        await worker.Exited;
        bool wasSpare;
        long connectionId;
        bool stopping;
        lock (_gate)
        {
            wasSpare = !_busy.Remove(worker, out connectionId);
            stopping = _stopping;
        }
        var exit = worker.DescribeExit();
        if (wasSpare && !stopping)
        {
            ProcessLog.SpareDied(log, worker.Pid, exit);
            TryAddSpare();
        }
        else if (!wasSpare && worker.ExitCode != 0)
        {
            // A crash in one connection's process touches no other connection: it is only logged.
            ProcessLog.ConnectionProcessCrashed(log, worker.Pid, connectionId, exit);
        }
        else
        {
            ProcessLog.ConnectionProcessExited(log, worker.Pid, exit);
        }
        if (!stopping)
        {
            worker.Dispose();
        }
    }
}
