// The one shutdown sequence every model goes through (nginx's worker quit, Go's Server.Shutdown,
// Kestrel's close-then-abort): stop accepting → close idle connections → let in-flight requests finish
// with Connection: close → at the deadline abort the rest. Joining threads and processes is the model's
// part (IConcurrencyModel.Join). Signals only *request* this; they never do the work themselves.
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Skein.Server.Logging;

namespace Skein.Server.Lifecycle;

/// <summary>
/// Owns the server's <see cref="Stopping"/> token and runs the graceful shutdown sequence once, however it
/// is requested (Ctrl-C, SIGTERM, SIGQUIT, a test, a worker's master going away).
/// </summary>
public sealed class ShutdownCoordinator : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConnectionRegistry _connections;
    private readonly TimeSpan _timeout;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly List<Action> _stopAccepting = [];
    private readonly object _gate = new();
    private ITimer? _deadlineTimer;
    private ITimer? _quietTimer;
    private long _deadlineTimestamp;
    private long _requestedTimestamp;
    private int _requests;
    private int _inFlight;
    private int _cut = -1;

    /// <summary>
    /// How long a connection must have been idle (or new, without a byte of a request) for shutdown to close it at
    /// once; younger ones are closed when they reach it, unless a request comes first (answered, with
    /// Connection: close). A client in a closed loop — a benchmark, a proxy reusing its pooled connection —
    /// sends its next request right after each response: closing its connection in that moment would lose the
    /// request, which it may not retry. 1 s is far above such a turnaround even on a loaded machine. (Go's
    /// Server.Shutdown waits 5 s before it treats a new connection as idle, and closes idle ones at once.)
    /// </summary>
    public static readonly TimeSpan QuietBeforeClose = TimeSpan.FromSeconds(1);

    /// <summary>Creates the coordinator for <paramref name="connections"/>; in-flight requests get
    /// <paramref name="timeout"/> to finish once shutdown is requested.</summary>
    public ShutdownCoordinator(ConnectionRegistry connections, TimeSpan timeout, ILogger log, TimeProvider? time = null)
    {
        _connections = connections;
        _timeout = timeout;
        _log = log;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Cancelled when shutdown is requested: accept loops end, responses get Connection: close.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>True once shutdown was requested.</summary>
    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <summary>Registers what "stop accepting" means (e.g. <see cref="Listener.Stop"/>); runs at once when
    /// shutdown was already requested.</summary>
    public void OnStopAccepting(Action stop)
    {
        ArgumentNullException.ThrowIfNull(stop);
        lock (_gate)
        {
            if (_requests == 0) // not the token: RequestStop runs the stops before it cancels
            {
                _stopAccepting.Add(stop);
                return;
            }
        }
        stop();
    }

    /// <summary>
    /// Requests a graceful shutdown: stops accepting, closes idle connections, and arms the deadline after
    /// which the remaining connections are aborted. Returns false if shutdown had already been requested
    /// (the caller may then force an exit). Safe from any thread, including a signal handler.
    /// </summary>
    public bool RequestStop(string reason)
    {
        Action[] stops;
        lock (_gate)
        {
            if (_requests++ > 0)
            {
                return false;
            }
            _requestedTimestamp = _time.GetTimestamp();
            _deadlineTimestamp = _requestedTimestamp + (long)(_timeout.TotalSeconds * _time.TimestampFrequency);
            stops = [.. _stopAccepting];
            _stopAccepting.Clear();
        }
        var open = _connections.Count;
        ServerLog.ShutdownRequested(_log, reason, open, _timeout.TotalSeconds);
        // The listener closes first, then the accept loops are told. The other way round, a loop that stopped
        // taking connections (single's, between two clients) left the kernel queueing new ones for nobody until the
        // close reset them: requests a client had sent on an established connection, lost. Now what the close
        // resets is exactly what the kernel held at that instant (Listener.Stop says how many).
        foreach (var stop in stops)
        {
            stop();
        }
        _stopping.Cancel();
        var closed = _connections.CloseIdle(QuietBeforeClose);
        // What is active has a request in flight: it may finish until the deadline. (Connections idle for less
        // than QuietBeforeClose stay open a moment; a request they bring is served too, but not counted here.)
        Volatile.Write(ref _inFlight, _connections.Snapshot().Count(c => c.State == ConnectionState.Active));
        ServerLog.ClosedIdle(_log, closed);
        _quietTimer = _time.CreateTimer(static state => ((ConnectionRegistry)state!).CloseIdle(), _connections, QuietBeforeClose, Timeout.InfiniteTimeSpan);
        _deadlineTimer = _time.CreateTimer(static state => ((ShutdownCoordinator)state!).AbortRemaining(), this, _timeout, Timeout.InfiniteTimeSpan);
        return true;
    }

    /// <summary>
    /// Waits for every connection of this process to close: until the deadline they finish on their own,
    /// then they are aborted, and a moment later they are gone. True if all closed before the deadline.
    /// Call after the model stopped accepting.
    /// </summary>
    public bool WaitForConnections()
    {
        if (_connections.WaitUntilEmpty(Remaining))
        {
            return true;
        }
        AbortRemaining();
        // Aborted loops need a moment to notice (a shut-down socket wakes them at once).
        _connections.WaitUntilEmpty(TimeSpan.FromSeconds(2));
        return false;
    }

    /// <summary>Time left until the deadline (zero when passed; the full timeout before shutdown begins).</summary>
    public TimeSpan Remaining
    {
        get
        {
            if (!IsStopping)
            {
                return _timeout;
            }
            var left = _time.GetElapsedTime(_time.GetTimestamp(), _deadlineTimestamp);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>
    /// Routes SIGINT (Ctrl-C), SIGTERM and SIGQUIT to <see cref="RequestStop"/>. A second SIGINT or SIGTERM is
    /// not cancelled, so the runtime's default action ends the process at once (the forced exit).
    /// Dispose the result to restore default handling.
    /// </summary>
    public IDisposable HandleSignals()
    {
        void Handle(PosixSignalContext context)
        {
            // Only a request: the work happens in RequestStop's sequence, not in the signal handler.
            context.Cancel = RequestStop(context.Signal.ToString());
            if (!context.Cancel)
            {
                ServerLog.ForcedExit(_log, context.Signal.ToString());
            }
        }
        return new SignalRegistrations(
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Handle),
        ]);
    }

    /// <summary>Releases the timer and token.</summary>
    public void Dispose()
    {
        _deadlineTimer?.Dispose();
        _quietTimer?.Dispose();
        _stopping.Dispose();
    }

    /// <summary>How the shutdown went so far: time since it was requested, the requests that were in flight
    /// then, and how many of them were cut at the deadline. Call after <see cref="WaitForConnections"/>.</summary>
    public ShutdownSummary Summary()
    {
        var elapsed = IsStopping ? _time.GetElapsedTime(Interlocked.Read(ref _requestedTimestamp)) : TimeSpan.Zero;
        var inFlight = Volatile.Read(ref _inFlight);
        var cut = Math.Max(0, Volatile.Read(ref _cut));
        return new ShutdownSummary(elapsed, Math.Max(0, inFlight - cut), cut, _timeout);
    }

    private void AbortRemaining()
    {
        var aborted = _connections.AbortAll();
        // The first abort (the deadline timer, or WaitForConnections) counts the cut requests; a second finds
        // the same connections still closing.
        Interlocked.CompareExchange(ref _cut, aborted, -1);
        if (aborted > 0)
        {
            ServerLog.AbortedAtDeadline(_log, aborted);
        }
    }
}
