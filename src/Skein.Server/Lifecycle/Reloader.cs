// Reloads without a restart, as nginx does: SIGHUP reads the configuration again and applies it, SIGUSR1
// reopens the log files (logrotate). Signal handlers only request; one thread of its own does the work, one
// request at a time (signals arriving meanwhile are folded into one more round). What a reload may change is
// Reconfiguration's rule; replacing worker processes is the model's (IReconfigurable).
using System.Runtime.InteropServices;
using Skein.Server.Logging;
using Skein.Server.Models;

namespace Skein.Server.Lifecycle;

/// <summary>Reload and log reopening for one server process (a single-process server, or a process model's master).</summary>
public sealed class Reloader : IDisposable
{
    /// <summary>SIGUSR1's number on Linux: PosixSignal has no name for it, and takes the raw number.</summary>
    private const int SigUsr1 = 10;

    private readonly ServerContext _server;
    private readonly IConcurrencyModel _model;
    private readonly IConfigurationSource? _source;
    private readonly ServiceNotifier _notifier;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _gate = new();
    private Thread? _thread;
    private int _reloads;
    private int _reopens;

    /// <summary>Reloads <paramref name="server"/> and <paramref name="model"/> from <paramref name="source"/>
    /// (null: SIGHUP only reopens the logs, there being nothing to read again), telling <paramref name="notifier"/>.</summary>
    public Reloader(ServerContext server, IConcurrencyModel model, IConfigurationSource? source, ServiceNotifier notifier)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(notifier);
        _server = server;
        _model = model;
        _source = source;
        _notifier = notifier;
    }

    /// <summary>Routes SIGHUP to <see cref="Reload"/> and SIGUSR1 to <see cref="ReopenLogs"/>, run on this
    /// reloader's own thread. Dispose the result to restore default handling.</summary>
    public IDisposable HandleSignals()
    {
        lock (_gate)
        {
            _thread ??= new Thread(Work) { IsBackground = true, Name = "reload" };
            if (!_thread.IsAlive)
            {
                _thread.Start();
            }
        }
        return new SignalRegistrations(
        [
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true; // the default action of SIGHUP ends the process
                Request(ref _reloads);
            }),
            PosixSignalRegistration.Create((PosixSignal)SigUsr1, context =>
            {
                context.Cancel = true; // the default action of SIGUSR1 ends the process
                Request(ref _reopens);
            }),
        ]);
    }

    /// <summary>
    /// Reads the configuration again and applies it: in this process what can change in place (limits,
    /// timeouts, the access log), and for a model with worker processes, new workers with the new options
    /// replacing the old ones. A configuration that cannot be loaded, or workers that cannot be started, leave
    /// the server exactly as it was; either way it is logged. Returns true when the new configuration applies.
    /// </summary>
    public bool Reload(string reason = "SIGHUP")
    {
        _notifier.Reloading();
        try
        {
            return ReloadNow(reason);
        }
        finally
        {
            _notifier.Ready(_server.Shutdown.IsStopping ? "stopping" : "serving");
        }
    }

    /// <summary>Reopens the access log by its name, here and in every worker process (SIGUSR1).</summary>
    public void ReopenLogs(string reason = "SIGUSR1")
    {
        try
        {
            _server.ReopenLogs();
            ServerLog.LogsReopened(_server.Log, reason);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ServerLog.LogsNotReopened(_server.Log, reason, e.Message);
        }
        (_model as IReconfigurable)?.ReopenLogs();
    }

    /// <summary>Stops the reloader's thread (a reload in progress finishes first).</summary>
    public void Dispose()
    {
        _disposed.Cancel();
        Thread? thread;
        lock (_gate)
        {
            thread = _thread;
        }
        if (thread is { IsAlive: true } && thread != Thread.CurrentThread)
        {
            thread.Join();
        }
        _wake.Dispose();
        _disposed.Dispose();
    }

    private bool ReloadNow(string reason)
    {
        if (_source is null)
        {
            ReopenLogs(reason); // nothing to read again: a reload is at least a log reopen, as nginx's
            return true;
        }
        if (!_source.TryLoad(out var configuration, out var problem))
        {
            ServerLog.ReloadRefused(_server.Log, reason, problem);
            return false;
        }
        var workers = _model as IReconfigurable;
        var plan = Reconfiguration.Plan(_server.Options, configuration.Options, workers is not null && configuration.Launch is not null);
        var restart = plan.NeedRestart;
        if (plan.Workers is null && configuration.ApplicationChanged)
        {
            restart = [.. restart, "the application's options"];
        }
        if (plan.Workers is { } next && !workers!.Reload(next, configuration.Launch!(next)))
        {
            ServerLog.ReloadRefused(_server.Log, reason, "the new worker processes did not start (see above)");
            return false;
        }
        try
        {
            _server.Apply(plan.InProcess);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only the access log can fail here; with workers, they are already replaced and log to it themselves.
            ServerLog.ReloadRefused(_server.Log, reason, $"the access log cannot be opened: {e.Message}");
            return false;
        }
        if (restart.Count > 0)
        {
            ServerLog.ReloadNeedsRestart(_server.Log, string.Join(", ", restart));
        }
        ServerLog.Reloaded(_server.Log, reason, plan.Workers is null ? "applied in this process" : "new worker processes serve, the old ones are finishing their requests");
        return true;
    }

    // The reloader's thread: waits for a request, runs it. Requests that arrive while one runs are folded into
    // one more round, so five SIGHUPs in quick succession never queue five reloads.
    private void Work()
    {
        while (true)
        {
            try
            {
                _wake.Wait(_disposed.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (Interlocked.Exchange(ref _reopens, 0) > 0)
            {
                ReopenLogs();
            }
            if (Interlocked.Exchange(ref _reloads, 0) > 0 && !_server.Shutdown.IsStopping)
            {
                Reload();
            }
        }
    }

    private void Request(ref int counter)
    {
        if (Interlocked.Increment(ref counter) == 1)
        {
            try
            {
                _wake.Release();
            }
            catch (ObjectDisposedException)
            {
                // A signal during shutdown, after the reloader was disposed: nothing to do.
            }
        }
    }
}
