// Log messages of the process models, master side and worker side, source-generated. Only messages
// live here; when to log is decided by the callers.

using Microsoft.Extensions.Logging;

namespace Skein.Server.Processes;

internal static partial class ProcessLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "worker {Pid} started (slot {Slot})")]
    public static partial void WorkerStarted(ILogger log, int pid, int slot);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "worker {Pid} ready after {StartupMs:F0} ms")]
    public static partial void WorkerReady(ILogger log, int pid, double startupMs);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "worker {Pid} (slot {Slot}) {Exit}; starting a replacement")]
    public static partial void WorkerDied(ILogger log, int pid, int slot, string exit);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "{Count} workers in a row exited before becoming ready (last: {Exit}); giving up")]
    public static partial void WorkersFailToStart(ILogger log, int count, string exit);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "worker {Pid} did not exit within the shutdown timeout; killing it")]
    public static partial void WorkerKilled(ILogger log, int pid);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "connection process {Pid} {Exit}")]
    public static partial void ConnectionProcessExited(ILogger log, int pid, string exit);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "connection process {Pid} serving connection {ConnectionId} {Exit}")]
    public static partial void ConnectionProcessCrashed(ILogger log, int pid, long connectionId, string exit);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Debug, Message = "spare process {Pid} {Exit}; starting another")]
    public static partial void SpareDied(ILogger log, int pid, string exit);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "could not start a worker process: {Reason}")]
    public static partial void SpawnFailed(ILogger log, string reason);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "master is gone (channel closed); worker {Pid} shutting down")]
    public static partial void MasterGone(ILogger log, int pid);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Debug, Message = "worker {Pid} asked to stop ({Reason})")]
    public static partial void StopRequested(ILogger log, int pid, string reason);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Error, Message = "supervision failed: {Reason}")]
    public static partial void SupervisionFailed(ILogger log, string reason);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Critical, Message = "worker {Pid} failed")]
    public static partial void WorkerFailed(ILogger log, int pid, Exception exception);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Debug, Message = "worker {Pid} started on standby")]
    public static partial void StandbyStarted(ILogger log, int pid);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Debug, Message = "worker {Pid} is no longer wanted (the connections it was started for are gone); killing it before it is ready")]
    public static partial void StartCancelled(ILogger log, int pid);

    [LoggerMessage(EventId = 3017, Level = LogLevel.Error, Message = "worker {Pid}: the channel to the master failed ({Reason}); stopping as if the master were gone")]
    public static partial void ChannelFailed(ILogger log, int pid, string reason);

    [LoggerMessage(EventId = 3032, Level = LogLevel.Error, Message = "worker {Pid}: cannot accept from the listening socket the master sent ({Reason}); stopping as if the master were gone")]
    public static partial void ListenFailed(ILogger log, int pid, string reason);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "waiting up to {TimeoutSeconds:F0} s for {Count} worker processes to finish")]
    public static partial void WaitingForWorkers(ILogger log, int count, double timeoutSeconds);

    [LoggerMessage(EventId = 3030, Level = LogLevel.Information, Message = "a new generation of {Count} workers is ready after {ElapsedMs:F0} ms and serves; the old one is draining")]
    public static partial void GenerationServing(ILogger log, int count, double elapsedMs);

    [LoggerMessage(EventId = 3031, Level = LogLevel.Error, Message = "the new generation of workers did not become ready ({Reason}); the old one keeps serving")]
    public static partial void GenerationFailed(ILogger log, string reason);
}
