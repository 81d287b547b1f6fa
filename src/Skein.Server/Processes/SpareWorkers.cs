// A supply of one-use worker processes (the process-per-connection model): a few spare processes started
// ahead of need, a bounded queue of requests waiting for one, and a bound on how many start at once, so a
// burst of clients meets a queue and then a refusal, never an unbounded fork storm. Processes are started by
// a thread of its own, never by the caller (the master's accept thread), and a start that is no longer
// wanted (its request was dropped) is cancelled. It does not accept or hand sockets over (the model does)
// and knows nothing of HTTP.

using Microsoft.Extensions.Logging;

namespace Skein.Server.Processes;

/// <summary>
/// Spare worker processes for one-use each. <see cref="TryTake"/> hands out a ready spare at once (the
/// oldest), or queues the request until a process is ready (first come, first served), or refuses it when
/// <c>queueCapacity</c> requests already wait. Processes are started to keep <c>spares</c> ready plus one per
/// waiting request, never more than <c>maxStarting</c> at a time: starting a process is CPU work, and more
/// of them at once than that only makes every one of them (and the processes serving clients) slower. For
/// the same reason, requests whose job is no longer wanted are dropped from the queue whenever the supply
/// is topped up, and processes still starting beyond what is then wanted are killed, the newest first.
/// </summary>
public sealed class SpareWorkers(WorkerLaunch launch, int spares, int maxStarting, int queueCapacity, Action<WorkerProcess> onStarted, ILogger log)
{
    private readonly Lock _gate = new();
    private readonly Queue<WorkerProcess> _ready = new();
    private readonly Queue<Request> _waiting = new();
    private readonly List<WorkerProcess> _starting = []; // oldest first
    private readonly HashSet<WorkerProcess> _cancelled = [];
    private readonly Dictionary<WorkerProcess, long> _busy = [];
    private readonly List<Task> _watchers = [];
    private readonly object _topUp = new(); // the spawner thread waits on it (Monitor) until asked to top up
    private bool _topUpAsked;
    private bool _stopping;
    private int _failedStarts;

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

    /// <summary>Processes started and not ready yet.</summary>
    public int Starting
    {
        get
        {
            lock (_gate)
            {
                return _starting.Count;
            }
        }
    }

    /// <summary>Requests waiting for a process.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Starts the spawner thread, which starts the spares (at most <c>maxStarting</c> at once; the
    /// rest as those become ready) and from then on whatever is missing.</summary>
    public void Start()
    {
        new Thread(Spawn) { IsBackground = true, Name = "spawner" }.Start();
        TopUp();
    }

    /// <summary>
    /// A process for job <paramref name="jobId"/>: completed at once with a ready spare, or later with the
    /// first process to become ready after the requests queued before it. Null when <c>queueCapacity</c>
    /// requests already wait (refuse the job). The task completes with null when the job is dropped instead:
    /// <paramref name="stillWanted"/> said no when its turn came (its client left), no process could be
    /// started, or the supply is stopping.
    /// </summary>
    public Task<WorkerProcess?>? TryTake(long jobId, Func<bool> stillWanted)
    {
        ArgumentNullException.ThrowIfNull(stillWanted);
        Task<WorkerProcess?> taken;
        lock (_gate)
        {
            if (_stopping)
            {
                return Task.FromResult<WorkerProcess?>(null);
            }
            if (TakeReady(jobId) is { } ready)
            {
                taken = Task.FromResult<WorkerProcess?>(ready);
            }
            else if (_waiting.Count >= queueCapacity)
            {
                return null;
            }
            else
            {
                var request = new Request(jobId, stillWanted);
                _waiting.Enqueue(request);
                taken = request.Process.Task;
            }
        }
        TopUp();
        return taken;
    }

    /// <summary>Stops every spare and busy process: Stop message (a busy one finishes its request first),
    /// wait up to <paramref name="timeout"/>, kill the rest. Waiting requests complete with null. True if
    /// all exited by themselves.</summary>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        List<WorkerProcess> all;
        Request[] dropped;
        Task[] watchers;
        int busy;
        lock (_gate)
        {
            _stopping = true;
            all = [.. _ready, .. _starting, .. _busy.Keys];
            busy = _busy.Count;
            _ready.Clear();
            dropped = [.. _waiting];
            _waiting.Clear();
            watchers = [.. _watchers];
        }
        TopUp(); // wakes the spawner, which sees the supply stopping and ends
        foreach (var request in dropped)
        {
            request.Process.TrySetResult(null);
        }
        if (busy > 0)
        {
            ProcessLog.WaitingForWorkers(log, busy, timeout.TotalSeconds);
        }
        var inTime = await Supervisor.StopAllAsync(all, timeout, log);
        await Task.WhenAll(watchers);
        return inTime;
    }

    // Under the lock: the oldest live ready spare, now busy with the job; null if there is none.
    private WorkerProcess? TakeReady(long jobId)
    {
        while (_ready.TryDequeue(out var spare))
        {
            if (!spare.HasExited)
            {
                _busy[spare] = jobId;
                return spare;
            }
        }
        return null;
    }

    // Asks the spawner thread to start what is missing. Never starts a process on the calling thread: the
    // master's accept thread calls this, and a process start (vfork, exec, a thread to read its channel)
    // takes milliseconds, tens of them on a loaded machine, during which nothing would be accepted.
    private void TopUp()
    {
        lock (_topUp)
        {
            _topUpAsked = true;
            Monitor.Pulse(_topUp);
        }
    }

    private void Spawn()
    {
        while (true)
        {
            lock (_topUp)
            {
                while (!_topUpAsked)
                {
                    Monitor.Wait(_topUp);
                }
                _topUpAsked = false;
            }
            lock (_gate)
            {
                if (_stopping)
                {
                    return;
                }
            }
            StartMissing();
        }
    }

    // Drops the waiting requests no longer wanted, cancels the starts beyond what is then wanted, and starts
    // what is missing: a process per waiting request plus the spares, minus those ready or starting, within
    // maxStarting. After MaxFailedStarts processes in a row die before becoming ready (a broken program or
    // configuration), only waiting requests start more, so a crash loop does not run forever.
    private void StartMissing()
    {
        DropUnwanted();
        while (true)
        {
            lock (_gate)
            {
                var wanted = Wanted();
                if (_stopping || _starting.Count >= maxStarting || _starting.Count >= wanted)
                {
                    return;
                }
            }
            if (!TryStartOne())
            {
                FailWaiting();
                return;
            }
        }
    }

    // Under the lock: how many processes should be starting now.
    private int Wanted() => _waiting.Count + (_failedStarts >= Supervisor.MaxFailedStarts ? 0 : spares) - _ready.Count;

    // A storm of clients that connect and reset (or give up) before their turn leaves requests nobody wants
    // and processes starting for them, which would take the CPU from the process a live client waits for:
    // those requests are dropped, and the starts beyond what is left are killed, the newest (least advanced) first.
    private void DropUnwanted()
    {
        Request[] waiting;
        lock (_gate)
        {
            waiting = [.. _waiting];
        }
        // Asked outside the lock: each answer is a syscall, and the queue may hold hundreds.
        var unwanted = waiting.Where(request => !request.StillWanted()).ToHashSet();
        var cancelled = new List<WorkerProcess>();
        lock (_gate)
        {
            if (unwanted.Count > 0)
            {
                var kept = _waiting.Where(request => !unwanted.Contains(request)).ToArray();
                _waiting.Clear();
                foreach (var request in kept)
                {
                    _waiting.Enqueue(request);
                }
            }
            for (var surplus = _starting.Count - Math.Max(Wanted(), 0); surplus > 0; surplus--)
            {
                var newest = _starting[^1];
                _starting.RemoveAt(_starting.Count - 1);
                _cancelled.Add(newest);
                cancelled.Add(newest);
            }
        }
        foreach (var request in unwanted)
        {
            request.Process.TrySetResult(null);
        }
        foreach (var worker in cancelled)
        {
            ProcessLog.StartCancelled(log, worker.Pid);
            worker.Kill();
        }
    }

    private bool TryStartOne()
    {
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
                return true;
            }
            _starting.Add(worker);
            _watchers.RemoveAll(t => t.IsCompleted);
            _watchers.Add(WatchAsync(worker));
        }
        return true;
    }

    // No process could be started: the requests waiting now are dropped (their jobs are refused) rather than
    // left waiting for a process that may never come.
    private void FailWaiting()
    {
        Request[] dropped;
        lock (_gate)
        {
            if (_starting.Count > 0)
            {
                return; // those still starting will take the waiting requests
            }
            dropped = [.. _waiting];
            _waiting.Clear();
        }
        foreach (var request in dropped)
        {
            request.Process.TrySetResult(null);
        }
    }

    private async Task WatchAsync(WorkerProcess worker)
    {
        var ready = await worker.Ready;
        Request? served = null;
        WorkerProcess? surplus = null;
        var abandoned = new List<Request>();
        bool cancelled;
        lock (_gate)
        {
            _starting.Remove(worker);
            // A cancelled start was killed as no longer wanted: neither a spare nor a failure, even if it
            // reported ready before the kill took effect.
            cancelled = _cancelled.Contains(worker);
            if (ready && !_stopping && !cancelled)
            {
                _failedStarts = 0;
                // First come, first served; a request whose job is no longer wanted is dropped, not served.
                while (served is null && _waiting.TryDequeue(out var request))
                {
                    if (request.StillWanted())
                    {
                        served = request;
                        _busy[worker] = request.JobId;
                    }
                    else
                    {
                        abandoned.Add(request);
                    }
                }
                if (served is null && _ready.Count < spares)
                {
                    _ready.Enqueue(worker);
                }
                else if (served is null)
                {
                    surplus = worker; // started for a request that left meanwhile: the spares are full
                }
            }
            else if (!ready && !cancelled)
            {
                _failedStarts++;
            }
        }
        foreach (var request in abandoned)
        {
            request.Process.TrySetResult(null);
        }
        served?.Process.TrySetResult(worker);
        surplus?.RequestStop();
        TopUp(); // a replacement for the process just taken, or for one that failed to start

        await worker.Exited;
        bool wasBusy;
        long jobId;
        bool stopping;
        lock (_gate)
        {
            _cancelled.Remove(worker);
            wasBusy = _busy.Remove(worker, out jobId);
            stopping = _stopping;
            if (!wasBusy && _ready.Contains(worker))
            {
                var alive = _ready.Where(w => w != worker).ToArray();
                _ready.Clear();
                foreach (var spare in alive)
                {
                    _ready.Enqueue(spare);
                }
            }
        }
        var exit = worker.DescribeExit();
        if (cancelled)
        {
            ProcessLog.ConnectionProcessExited(log, worker.Pid, exit);
        }
        else if (!wasBusy && !stopping && worker != surplus)
        {
            ProcessLog.SpareDied(log, worker.Pid, exit);
            TopUp();
        }
        else if (wasBusy && worker.ExitCode != 0)
        {
            // A crash in one connection's process touches no other connection: it is only logged.
            ProcessLog.ConnectionProcessCrashed(log, worker.Pid, jobId, exit);
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

    private sealed class Request(long jobId, Func<bool> stillWanted)
    {
        public long JobId { get; } = jobId;

        public Func<bool> StillWanted { get; } = stillWanted;

        public TaskCompletionSource<WorkerProcess?> Process { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
