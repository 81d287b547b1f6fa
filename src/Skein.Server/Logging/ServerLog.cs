// Every log message the server writes, source-generated with [LoggerMessage] so a disabled level costs
// nothing. Connection id, pid and thread id are not parameters here: the connection id travels in a log
// scope (ConnectionScope) and the verbose console formatter adds pid and thread id to every line.
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Skein.Server.Logging;

/// <summary>The server's log messages.</summary>
public static partial class ServerLog
{
    /// <summary>The first line a server writes: what runs, in words, then the facts as key=value (the folder
    /// last, since a path may hold spaces).</summary>
    [LoggerMessage(1, LogLevel.Information, "Skein serving: {WhatRuns}. model={Model} workers={Workers} standby={Standby} pid={Pid} address=http://{Address} folder={Folder}")]
    public static partial void Started(ILogger logger, string whatRuns, string model, string workers, int standby, int pid, string address, string folder);

    /// <summary>The last line: a shutdown in which every request in flight finished.</summary>
    [LoggerMessage(2, LogLevel.Information, "Stopped in {ElapsedMs} ms: {Finished} request(s) in flight finished, none cut")]
    public static partial void Stopped(ILogger logger, long elapsedMs, int finished);

    /// <summary>The last line: a shutdown whose deadline cut requests off.</summary>
    [LoggerMessage(7, LogLevel.Warning, "Stopped in {ElapsedMs} ms: {Finished} request(s) in flight finished, {Cut} cut at the {Deadline} s deadline")]
    public static partial void StoppedCutting(ILogger logger, long elapsedMs, int finished, int cut, double deadline);

    /// <summary>The last line of a process model's master: its workers served (and count) the requests.</summary>
    [LoggerMessage(8, LogLevel.Information, "Stopped in {ElapsedMs} ms; worker processes that had requests in flight said how many finished and how many were cut")]
    public static partial void StoppedMaster(ILogger logger, long elapsedMs);

    /// <summary>A worker process's last line, when it had requests in flight at the shutdown.</summary>
    [LoggerMessage(12, LogLevel.Information, "Worker {Pid} stopped in {ElapsedMs} ms: {Finished} request(s) in flight finished, {Cut} cut at the deadline")]
    public static partial void WorkerStopped(ILogger logger, int pid, long elapsedMs, int finished, int cut);

    [LoggerMessage(9, LogLevel.Warning, "Some threads or processes had not finished {Seconds} s after the connections closed")]
    public static partial void NotJoined(ILogger logger, double seconds);

    [LoggerMessage(3, LogLevel.Information, "Shutdown requested ({Reason}): stop accepting, {Open} connection(s) open, {Timeout} s for in-flight requests")]
    public static partial void ShutdownRequested(ILogger logger, string reason, int open, double timeout);

    [LoggerMessage(4, LogLevel.Debug, "Closed {Count} idle connection(s)")]
    public static partial void ClosedIdle(ILogger logger, int count);

    [LoggerMessage(5, LogLevel.Warning, "Shutdown deadline passed: aborted {Count} connection(s)")]
    public static partial void AbortedAtDeadline(ILogger logger, int count);

    [LoggerMessage(6, LogLevel.Warning, "Second {Signal}: exiting now")]
    public static partial void ForcedExit(ILogger logger, string signal);

    [LoggerMessage(40, LogLevel.Warning, "systemd passed more than one socket; serving descriptor 3 only and closing descriptor {Fd}")]
    public static partial void ExtraSocketIgnored(ILogger logger, int fd);

    [LoggerMessage(41, LogLevel.Information, "Reload ({Reason}): {Outcome}")]
    public static partial void Reloaded(ILogger logger, string reason, string outcome);

    [LoggerMessage(42, LogLevel.Error, "Reload ({Reason}) refused, still serving as before: {Problem}")]
    public static partial void ReloadRefused(ILogger logger, string reason, string problem);

    [LoggerMessage(43, LogLevel.Warning, "Reload: {Options} changed but need(s) a restart; kept as running")]
    public static partial void ReloadNeedsRestart(ILogger logger, string options);

    [LoggerMessage(44, LogLevel.Information, "Reopened the log files ({Reason})")]
    public static partial void LogsReopened(ILogger logger, string reason);

    [LoggerMessage(45, LogLevel.Error, "Could not reopen the log files ({Reason}): {Problem}")]
    public static partial void LogsNotReopened(ILogger logger, string reason, string problem);

    [LoggerMessage(10, LogLevel.Warning, "accept failed ({Error}); retrying every {FirstMs} ms doubling to {MaxMs} ms, quietly until it works again")]
    public static partial void AcceptFailed(ILogger logger, SocketError error, double firstMs, double maxMs);

    [LoggerMessage(12, LogLevel.Warning, "Accepting again after {Failures} failed accept(s) over {Seconds:0.0} s")]
    public static partial void AcceptResumed(ILogger logger, int failures, double seconds);

    [LoggerMessage(61, LogLevel.Information, "Stopped accepting: {Queued} connection(s) still in the listen queue, never accepted, are reset")]
    public static partial void ListenQueueReset(ILogger logger, int queued);

    [LoggerMessage(11, LogLevel.Warning, "Refused a connection from {Remote} with 503: {Reason}")]
    public static partial void Refused(ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(20, LogLevel.Debug, "Connection from {Remote} opened")]
    public static partial void ConnectionOpened(ILogger logger, IPEndPoint? remote);

    [LoggerMessage(21, LogLevel.Debug, "Connection closed after {Requests} request(s)")]
    public static partial void ConnectionClosed(ILogger logger, int requests);

    [LoggerMessage(29, LogLevel.Debug, "{Method} {Target} started")]
    public static partial void RequestStarted(ILogger logger, string method, string target);

    [LoggerMessage(22, LogLevel.Debug, "{Method} {Target} -> {Status}")]
    public static partial void RequestServed(ILogger logger, string method, string target, int status);

    [LoggerMessage(23, LogLevel.Debug, "Rejected a request: {Status} {Reason}")]
    public static partial void Rejected(ILogger logger, int status, string reason);

    [LoggerMessage(24, LogLevel.Debug, "Timed out waiting for {What}; closing")]
    public static partial void TimedOut(ILogger logger, string what);

    [LoggerMessage(25, LogLevel.Debug, "Connection lost: {Message}")]
    public static partial void ConnectionLost(ILogger logger, string message);

    [LoggerMessage(26, LogLevel.Error, "The handler failed on {Method} {Target}; answering 500")]
    public static partial void HandlerFailed(ILogger logger, string method, string target, Exception exception);

    [LoggerMessage(27, LogLevel.Error, "Writing the response body failed after its head was sent; aborting the connection")]
    public static partial void BodyWriteFailed(ILogger logger, Exception exception);

    [LoggerMessage(28, LogLevel.Error, "The connection failed unexpectedly")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception);

    [LoggerMessage(32, LogLevel.Debug, "Connection {Id}: the client went away while its request was in progress; cancelling it")]
    public static partial void ClientWentAway(ILogger logger, long id);

    [LoggerMessage(33, LogLevel.Warning, "The disconnect watcher is not running ({Error}): a client hanging up during a long request is noticed only when its response is written")]
    public static partial void WatcherFailed(ILogger logger, string error);

    [LoggerMessage(30, LogLevel.Error, "Work on event loop {Loop} failed")]
    public static partial void LoopWorkFailed(ILogger logger, int loop, Exception exception);

    [LoggerMessage(34, LogLevel.Critical, "Event loop {Loop} stopped: epoll_wait failed ({Error}); its connections are no longer served")]
    public static partial void LoopFailed(ILogger logger, int loop, string error);

    [LoggerMessage(36, LogLevel.Critical, "The event loop cannot watch the listening socket ({Error}); not accepting")]
    public static partial void AcceptNotWatched(ILogger logger, string error);

    [LoggerMessage(31, LogLevel.Error, "Thread {Thread} failed")]
    public static partial void WorkerItemFailed(ILogger logger, string? thread, Exception exception);

    [LoggerMessage(60, LogLevel.Information, "Closed a connection from {Remote} without a response: {Reason} (--proxy-protocol)")]
    public static partial void ProxyRefused(ILogger logger, IPEndPoint? remote, string reason);
}
