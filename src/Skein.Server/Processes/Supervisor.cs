// Supervision of a fixed set of long-lived worker processes (process-pool, hybrid): start N, replace any
// that dies, stop them all gracefully. Like nginx's master process (ngx_reap_children respawns a worker
// that exited), plus one standby process started ahead, because a .NET process takes far longer to start
// than a fork. It does not know what the workers do: the model says how to prepare and activate one.

using Microsoft.Extensions.Logging;

namespace Skein.Server.Processes;

/// <summary>
/// Keeps <c>count</c> workers running. Each slot waits on its worker's exit (no polling): a worker that
/// dies while the server runs is logged and replaced at once — by the standby, a worker started and
/// prepared ahead (given the shared state, not yet the listening socket), so the replacement serves within
/// milliseconds instead of after a .NET start-up; a new standby is then started. Workers that keep dying
/// before they report ready (a broken configuration) make <see cref="RunAsync"/> fail instead of
/// respawning forever.
/// </summary>
public sealed class Supervisor(WorkerLaunch launch, int count, Action<WorkerProcess> prepare, Action<WorkerProcess> activate, ILogger log) : IDisposable
{
    /// <summary>Consecutive workers that may die before becoming ready before the supervisor gives up.
    /// 5: enough to ride out a transient failure, few enough to stop a crash loop within seconds.</summary>
    public const int MaxFailedStarts = 5;

    private readonly Lock _gate = new();
    private readonly WorkerProcess?[] _slots = new WorkerProcess?[count];
    // Set (under _gate) whenever a worker in a slot becomes ready, so Next can wait for one.
    private readonly ManualResetEventSlim _slotReady = new();
    private readonly TaskCompletionSource _allReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WorkerProcess? _standby;
    private int _next;
    private bool _stopping;
    private int _failedStarts;

    /// <summary>How many worker slots it keeps filled (<c>-w</c>; the standby not counted).</summary>
    public int Count => count;

    /// <summary>The workers alive now (a snapshot).</summary>
    public IReadOnlyList<WorkerProcess> Workers
    {
        get
        {
            lock (_gate)
            {
                return [.. _slots.OfType<WorkerProcess>().Append(_standby).OfType<WorkerProcess>().Where(w => !w.HasExited)];
            }
        }
    }

    /// <summary>Completes once every slot holds a ready worker (a reload switches to a new generation then).</summary>
    public Task AllReady => _allReady.Task;

    /// <summary>The next ready worker in a slot, in turn (round-robin, as Netty's <c>EventLoopGroup.next()</c>),
    /// so each gets the same share of what the master hands out. Waits while none is ready (at start-up, or
    /// for the moments a dead worker's replacement takes); null once <paramref name="stopping"/> fires.</summary>
    public WorkerProcess? Next(CancellationToken stopping)
    {
        while (true)
        {
            lock (_gate)
            {
                for (var i = 0; i < _slots.Length; i++)
                {
                    var slot = (_next + i) % _slots.Length;
                    if (_slots[slot] is { HasExited: false, Ready: { IsCompletedSuccessfully: true, Result: true } } worker)
                    {
                        _next = (slot + 1) % _slots.Length;
                        return worker;
                    }
                }
                _slotReady.Reset();
            }
            try
            {
                _slotReady.Wait(stopping);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
    }

    /// <summary>Moves the turn on by <paramref name="count"/> slots, as if each had been given one more connection: a
    /// master that hands out a round of k connections in fewer than k turns (one per worker) leaves the turn where
    /// handing them out one at a time would have, so no worker gets the odd ones of every round.</summary>
    public void Skip(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            _next = (_next + count) % _slots.Length;
        }
    }

    /// <summary>Starts the workers and keeps them running until <paramref name="stopping"/> fires; then
    /// returns, leaving them running for <see cref="StopAsync"/>.</summary>
    /// <exception cref="InvalidOperationException">Workers keep dying before they are ready.</exception>
    public async Task RunAsync(CancellationToken stopping)
    {
        // One failing slot (crash loop, program missing) stops the others too, so the failure surfaces.
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        await Task.WhenAll(Enumerable.Range(0, _slots.Length).Select(async slot =>
        {
            try
            {
                await KeepSlotAsync(slot, failed.Token);
            }
            catch
            {
                await failed.CancelAsync();
                throw;
            }
        }));
    }

    /// <summary>Asks every worker to stop gracefully, waits up to <paramref name="timeout"/> for them to
    /// exit, then kills the rest. True if all exited by themselves.</summary>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        lock (_gate)
        {
            _stopping = true;
        }
        var workers = Workers;
        if (workers.Count > 0)
        {
            ProcessLog.WaitingForWorkers(log, workers.Count, timeout.TotalSeconds);
        }
        return await StopAllAsync(workers, timeout, log);
    }

    /// <summary>Stops <paramref name="workers"/>: Stop message, wait with <paramref name="timeout"/>, kill
    /// stragglers, close channels. True if every one exited by itself.</summary>
    public static async Task<bool> StopAllAsync(IReadOnlyCollection<WorkerProcess> workers, TimeSpan timeout, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(workers);
        foreach (var worker in workers)
        {
            worker.RequestStop();
        }
        var all = Task.WhenAll(workers.Select(w => w.Exited));
        var inTime = await Task.WhenAny(all, Task.Delay(timeout)) == all;
        foreach (var worker in workers.Where(w => !w.HasExited))
        {
            ProcessLog.WorkerKilled(log, worker.Pid);
            worker.Kill();
        }
        await all; // SIGKILL cannot be ignored: this completes promptly.
        foreach (var worker in workers)
        {
            worker.Dispose();
        }
        return inTime;
    }

    private async Task KeepSlotAsync(int slot, CancellationToken stopping)
    {
        var stopped = Task.Delay(Timeout.Infinite, stopping);
        var first = true;
        while (!stopping.IsCancellationRequested)
        {
            // The first round starts fresh workers (the standby is for replacements); later rounds take the standby.
            var worker = (first ? null : TakeStandby()) ?? StartPrepared();
            lock (_gate)
            {
                _slots[slot]?.Dispose();
                _slots[slot] = worker;
            }
            ProcessLog.WorkerStarted(log, worker.Pid, slot);
            activate(worker);
            if (first && slot == _slots.Length - 1)
            {
                ReplaceStandby();
            }
            first = false;

            if (await Task.WhenAny(worker.Ready, stopped) == worker.Ready && await worker.Ready)
            {
                lock (_gate)
                {
                    _slotReady.Set();
                    if (_slots.All(w => w is { HasExited: false, Ready: { IsCompletedSuccessfully: true, Result: true } }))
                    {
                        _allReady.TrySetResult();
                    }
                }
            }
            if (await Task.WhenAny(worker.Exited, stopped) == stopped)
            {
                return;
            }
            var exit = worker.DescribeExit();
            if (await worker.Ready)
            {
                Interlocked.Exchange(ref _failedStarts, 0);
                ProcessLog.WorkerDied(log, worker.Pid, slot, exit);
                continue; // replaced at once: the listening socket queues new clients meanwhile
            }
            if (Interlocked.Increment(ref _failedStarts) >= MaxFailedStarts)
            {
                ProcessLog.WorkersFailToStart(log, MaxFailedStarts, exit);
                throw new InvalidOperationException($"{MaxFailedStarts} workers in a row exited before becoming ready (last one {exit}).");
            }
            ProcessLog.WorkerDied(log, worker.Pid, slot, exit);
        }
    }

    private WorkerProcess StartPrepared()
    {
        var worker = WorkerProcess.Start(launch, log);
        prepare(worker);
        return worker;
    }

    // The standby if it is alive (a new one is started in its place), else null.
    private WorkerProcess? TakeStandby()
    {
        WorkerProcess? standby;
        lock (_gate)
        {
            standby = _standby;
            _standby = null;
        }
        if (standby is { HasExited: true })
        {
            standby.Dispose();
            standby = null;
        }
        ReplaceStandby();
        return standby;
    }

    private void ReplaceStandby()
    {
        WorkerProcess fresh;
        try
        {
            fresh = StartPrepared();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            ProcessLog.SpawnFailed(log, e.Message);
            return; // the next replacement starts from scratch instead
        }
        lock (_gate)
        {
            if (!_stopping && _standby is null)
            {
                _standby = fresh;
                ProcessLog.StandbyStarted(log, fresh.Pid);
                return;
            }
        }
        fresh.RequestStop();
        fresh.Dispose();
    }

    /// <summary>Releases the ready signal (after <see cref="StopAsync"/>).</summary>
    public void Dispose() => _slotReady.Dispose();
}
