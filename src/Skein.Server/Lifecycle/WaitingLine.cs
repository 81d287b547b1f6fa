// The waiting line of a server with one serving thread (single, and each process-pool worker): connections that
// thread accepted while it waited for its current client's bytes, served in order afterwards; past its bound a
// quick 503. And the rule that makes the connection being served give way sooner while others wait. Everything
// here runs on that one thread. It does not read requests (ConnectionLoop does, and says what it waits for) nor
// wait for sockets (LineWatchingTransport does, and asks it).
using System.Net.Sockets;

namespace Skein.Server.Lifecycle;

/// <summary>
/// The bounded queue of a one-connection-at-a-time server, filled while its thread waits for the client it
/// serves, and the rule for that client while others wait: a silent one (new, or idle between requests) gives
/// way after <see cref="Grace"/>; one sending its request head gives way once, after <see cref="Grace"/>, the
/// head arrives slower than <see cref="MinHeadRate"/> (Apache mod_reqtimeout's <c>header=…,MinRate=500</c>;
/// nginx's <c>client_header_timeout</c> plays the same part). Responses written while others wait carry
/// <c>Connection: close</c>. While nobody waits, nothing changes: the header and keep-alive timeouts apply.
/// </summary>
public sealed class WaitingLine
{
    /// <summary>How long a silent connection, or a head however slow, may hold the thread while others wait:
    /// 1 s, the quiet time shutdown also gives a connection (<see cref="ShutdownCoordinator.QuietBeforeClose"/>)
    /// — far above a request's turnaround on a loaded machine, far below any timeout a trickler counts on.</summary>
    public static readonly TimeSpan Grace = ShutdownCoordinator.QuietBeforeClose;

    /// <summary>The slowest a request head may arrive, in bytes per second, once <see cref="Grace"/> has passed
    /// while others wait: 500, mod_reqtimeout's default MinRate for headers. A browser's head comes in one
    /// segment; one trickled a byte a second is cut as soon as it holds up a waiting client.</summary>
    public const double MinHeadRate = 500;

    // Newcomers taken per look at the listener, so the client being served is never starved of attention.
    private const int AcceptsPerLook = 64;

    private readonly Queue<Connection> _queue = new();
    private readonly ServerContext _server;
    private readonly Listener _listener;
    private readonly int _capacity;
    private readonly long _patienceMs;
    private long _giveWayAt = long.MaxValue; // when the connection served must give way if others wait (TickCount64)
    private long _readySince = -1;          // when the listener was first seen ready without being served

    /// <summary>A line in front of <paramref name="listener"/> holding at most <paramref name="capacity"/>
    /// connections. <paramref name="patience"/>: how long a newcomer is left in the listen backlog before this
    /// busy thread takes it, so that an idle process sharing the listener gets it first (zero when nobody shares it).</summary>
    public WaitingLine(ServerContext server, Listener listener, int capacity, TimeSpan patience = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _server = server;
        _listener = listener;
        _capacity = capacity;
        _patienceMs = (long)patience.TotalMilliseconds;
    }

    /// <summary>Connections waiting.</summary>
    public int Count => _queue.Count;

    /// <summary>True when someone waits for the thread.</summary>
    public bool OthersWaiting => _queue.Count > 0;

    /// <summary>The listening socket to watch while waiting for a client; null once it stopped (shutdown, reload).</summary>
    public Socket? Listener => _listener.IsStopped ? null : _listener.Socket;

    /// <summary>When the connection being served must give way (<see cref="Environment.TickCount64"/>):
    /// <see cref="long.MaxValue"/> while nobody waits or it is not waiting for a request.</summary>
    public long GiveWayAt => _queue.Count > 0 ? _giveWayAt : long.MaxValue;

    /// <summary>The next connection in line; false when none waits.</summary>
    public bool TryTake(out Connection connection) => _queue.TryDequeue(out connection!);

    /// <summary>The connection served waits for a request without a byte of it, and has for <paramref name="quietFor"/>.</summary>
    public void WaitingForRequest(TimeSpan quietFor) => _giveWayAt = From(quietFor, Grace);

    /// <summary>The connection served waits for the rest of a head that began <paramref name="elapsed"/> ago
    /// (at the accept, for a first request) and of which <paramref name="bytes"/> have arrived.</summary>
    public void WaitingForHead(TimeSpan elapsed, long bytes)
    {
        var allowed = TimeSpan.FromSeconds(bytes / MinHeadRate);
        _giveWayAt = From(elapsed, allowed > Grace ? allowed : Grace);
    }

    /// <summary>The connection served has its request: no rule until it waits for the next.</summary>
    public void Serving() => _giveWayAt = long.MaxValue;

    /// <summary>Says whether to watch the listener now: false while a newcomer is left to the other processes
    /// (<paramref name="waitMs"/> is then how much longer).</summary>
    public bool ShouldWatchListener(out long waitMs)
    {
        waitMs = _readySince < 0 ? 0 : _readySince + _patienceMs - Environment.TickCount64;
        return waitMs <= 0;
    }

    /// <summary>The listener was not ready in the last look: a newcomer seen before was taken elsewhere.</summary>
    public void ListenerQuiet() => _readySince = -1;

    /// <summary>Takes the newcomers already in the listen backlog, if any (one poll(2), no wait): before a response
    /// decides whether to keep its connection, so that a client waiting is seen and the response closes. A thread
    /// that shares the listener (a process-pool worker) takes one at most: this look comes when its own request is
    /// done, which is when the other workers' are too, and a newcomer it takes waits behind it while they may be
    /// free (ten 1-second /io clients on five workers were last answered after up to 6 s when it took them all).</summary>
    public void LookAtListener()
    {
        try
        {
            if (Listener is { } listener && listener.Poll(0, SelectMode.SelectRead))
            {
                OnListenerReady(_patienceMs > 0 ? 1 : AcceptsPerLook);
            }
        }
        catch (ObjectDisposedException)
        {
            // Stopped meanwhile (shutdown, reload): nobody new to take.
        }
    }

    /// <summary>The listener is ready: takes the newcomers into the line (503 past its bound), at most
    /// <paramref name="most"/>, unless patience says to leave them to the other processes a while longer.</summary>
    public void OnListenerReady(int most = AcceptsPerLook)
    {
        var now = Environment.TickCount64;
        if (_patienceMs > 0 && (_readySince < 0 || now - _readySince < _patienceMs))
        {
            _readySince = _readySince < 0 ? now : _readySince;
            return;
        }
        _readySince = -1;
        for (var i = 0; i < most && _listener.TryAcceptNow(out var socket, () => _server.Descriptors.OnExhausted(_server.Connections.Count)); i++)
        {
            if (_server.Admit(socket) is not { } connection)
            {
                continue; // refused with 503 (connection or descriptor limit)
            }
            if (_queue.Count >= _capacity)
            {
                _server.Reject(connection, $"one connection being served and {_capacity} waiting (--queue)");
                continue;
            }
            _queue.Enqueue(connection);
        }
    }

    private static long From(TimeSpan elapsed, TimeSpan allowed)
        => Environment.TickCount64 + (long)Math.Ceiling((allowed - elapsed).TotalMilliseconds);
}
