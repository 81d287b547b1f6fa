// The master's handle on one worker process: starting it (exec of the host's worker program with its channel
// inherited), its channel, its readiness, its exit. It does not decide when to start or replace workers
// (Supervisor and SpareWorkers do) and knows nothing of HTTP.

using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Skein.Server.Processes;

/// <summary>A running worker process as the master sees it.</summary>
public sealed class WorkerProcess : IDisposable
{
    // Static on purpose: which descriptors a child inherits is state of the whole process. The child's end
    // of a channel is inheritable only inside this lock, so a worker started concurrently never receives
    // (and keeps open) another worker's channel, which would hide that worker's death from the master.
    private static readonly Lock SpawnLock = new();

    private readonly Process _process;
    private readonly TaskCompletionSource<bool> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _startedAt;
    private long _readyAt;

    private readonly ILogger? _log;

    private WorkerProcess(Process process, WorkerChannel channel, long startedAt, ILogger? log)
    {
        _log = log;
        _process = process;
        Channel = channel;
        _startedAt = startedAt;
        Pid = process.Id;
        Exited = process.WaitForExitAsync();
        var reader = new Thread(ReadUntilReady) { IsBackground = true, Name = $"worker-{Pid}-ready" };
        reader.Start();
    }

    /// <summary>The worker's process id.</summary>
    public int Pid { get; }

    /// <summary>The master's end of the worker's channel.</summary>
    public WorkerChannel Channel { get; }

    /// <summary>Completes with true when the worker reports ready, false if it exits (or closes its channel) first.</summary>
    public Task<bool> Ready => _ready.Task;

    /// <summary>Completes when the process has exited.</summary>
    public Task Exited { get; }

    /// <summary>Time from starting the process to its ready message; null until then.</summary>
    public TimeSpan? StartupTime => Interlocked.Read(ref _readyAt) is var at and > 0 ? Stopwatch.GetElapsedTime(_startedAt, at) : null;

    /// <summary>The exit code once exited (128 + N for a death by signal N), else null.</summary>
    public int? ExitCode => HasExited ? _process.ExitCode : null;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => Exited.IsCompleted;

    /// <summary>Starts a worker as <paramref name="launch"/> says, with a fresh channel (the child inherits its end).</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The program could not be started.</exception>
    public static WorkerProcess Start(WorkerLaunch launch, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var (master, child) = UnixFdChannel.CreatePair();
        try
        {
            Process process;
            long startedAt;
            lock (SpawnLock)
            {
                using (child)
                {
                    child.AllowInheritance();
                    startedAt = Stopwatch.GetTimestamp();
                    process = Process.Start(launch.CreateStartInfo(child.Fd))
                        ?? throw new InvalidOperationException($"Process.Start returned no process for {launch}");
                } // the master's copy of the child's end is closed here: only the child holds it now
            }
            return new WorkerProcess(process, new WorkerChannel(master), startedAt, log);
        }
        catch
        {
            master.Dispose();
            throw;
        }
    }

    /// <summary>Sends a message (and a descriptor) to the worker; false if it is gone.</summary>
    public bool TrySend(WorkerMessage message, SafeHandle? fd = null) => Channel.TrySend(message, fd);

    /// <summary>Asks the worker to shut down gracefully; false if it is already gone.</summary>
    public bool RequestStop() => TrySend(new WorkerMessage(WorkerMessageKind.Stop));

    /// <summary>Kills the worker at once (SIGKILL). Harmless if it already exited.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited and reaped.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // ESRCH: exited between the check and the signal.
        }
    }

    /// <summary>How the process ended, for logs: "exited with code 3", "was killed by signal 9 (SIGKILL)".</summary>
    public string DescribeExit()
    {
        if (!_process.HasExited)
        {
            return "is running";
        }
        // .NET reports a death by signal N as exit code 128 + N, as shells do.
        var code = _process.ExitCode;
        return code > 128 && code < 128 + 65
            ? string.Create(CultureInfo.InvariantCulture, $"was killed by signal {code - 128}{SignalName(code - 128)}")
            : string.Create(CultureInfo.InvariantCulture, $"exited with code {code}");
    }

    /// <summary>Closes the channel (the worker reads end-of-file) and releases the process handle.
    /// Does not kill the worker.</summary>
    public void Dispose()
    {
        Channel.Dispose();
        _process.Dispose();
    }

    private void ReadUntilReady()
    {
        try
        {
            // The only message a worker sends is Ready; anything else, or end-of-file, means it failed to start.
            var ready = Channel.TryReceive(out var message, out var fd) && message.Kind == WorkerMessageKind.Ready;
            fd?.Dispose();
            if (ready)
            {
                Interlocked.Exchange(ref _readyAt, Stopwatch.GetTimestamp());
                if (_log is not null)
                {
                    ProcessLog.WorkerReady(_log, Pid, StartupTime!.Value.TotalMilliseconds);
                }
            }
            _ready.TrySetResult(ready);
        }
        catch (InvalidDataException)
        {
            _ready.TrySetResult(false);
        }
    }

    private static string SignalName(int signal) => signal switch
    {
        2 => " (SIGINT)",
        6 => " (SIGABRT)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        15 => " (SIGTERM)",
        _ => string.Empty,
    };
}
