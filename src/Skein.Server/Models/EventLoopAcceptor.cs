// The async model's accept, done by an event loop (nginx's ngx_event_accept; Netty's boss loop): the listening
// socket sits in the first loop's epoll set, level-triggered; when it is readable the loop accepts what is
// pending with non-blocking accept4(2) and gives each connection to the group's next loop in turn, serving it
// at once when that is itself. Out of descriptors, it lets the server's descriptor reserve go, pauses (the
// listening socket leaves the set) and tries again later, 5 ms doubling to 1 s as the blocking accept does,
// saying so once per burst. It knows nothing about HTTP.
using System.Net.Sockets;
using Skein.Server.Lifecycle;
using Skein.Server.Logging;
using Skein.Server.Threading;

namespace Skein.Server.Models;

/// <summary>Accepts on <see cref="EventLoopGroup.Loops"/>[0] and spreads connections round-robin over the group.</summary>
internal sealed class EventLoopAcceptor(ServerContext server, Listener listener, EventLoopGroup loops) : IReadinessHandler, IDisposable
{
    // Accepts per readiness report at most: a burst of clients drains the backlog in few turns (nginx's
    // multi_accept takes all), while the loop still gets back to its connections between batches.
    private const int MaxBatch = 64;
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    private readonly EventLoop _loop = loops.Loops[0];
    private readonly ManualResetEventSlim _stopped = new();
    private int _registration = -1;
    private LoopTimer? _resume;
    private TimeSpan _backoff;
    private int _failures;
    private long _failingSince;

    /// <summary>Adds the listening socket to the first loop's epoll set; returns at once.</summary>
    public void Start()
    {
        listener.PrepareForEventLoop();
        _loop.Post(static state => ((EventLoopAcceptor)state!).Register(), this);
    }

    /// <summary>Stops accepting: the listening socket leaves the epoll set before this returns, so the
    /// listener may then be closed. Safe from any thread.</summary>
    public void Stop()
    {
        if (!_stopped.IsSet)
        {
            _loop.Context.Send(static state => ((EventLoopAcceptor)state!).Unregister(), this);
        }
    }

    /// <summary>Blocks until the acceptor stopped (<see cref="Stop"/>, or the listening socket failed).</summary>
    public void WaitUntilStopped() => _stopped.Wait();

    /// <summary>Releases the stop signal (after <see cref="WaitUntilStopped"/> returned).</summary>
    public void Dispose() => _stopped.Dispose();

    /// <summary>Accepts what is pending (up to a batch), admits each connection and spawns it on the next loop.</summary>
    public void OnReady(Readiness events)
    {
        for (var i = 0; i < MaxBatch && _registration >= 0; i++)
        {
            if (listener.TryAcceptPending(out var remote, out var error) is not { } handle)
            {
                if (!OnFailed(error))
                {
                    return;
                }
                continue;
            }
            EndBurst();
            if (server.Admit(handle, remote) is not { } connection)
            {
                continue; // refused with 503 (connection limit)
            }
            loops.Next().Spawn(() => server.ServeAsync(connection));
        }
    }

    private void Register()
    {
        if (_registration >= 0 || _stopped.IsSet)
        {
            return;
        }
        try
        {
            // Not referenced while registered: shutdown closes the listener before it tells this loop, and .NET's
            // Socket.Dispose spins until every reference is released (each accept4 holds one only for its call).
            // A listening socket shared with other processes (hybrid workers) wakes only one of them per connection.
            var interest = listener.IsShared ? Interest.Read | Interest.Exclusive : Interest.Read;
            _registration = _loop.Register(listener.Socket.SafeHandle, interest, this);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            ServerLog.AcceptNotWatched(server.Log, e.Message);
            Unregister();
        }
    }

    // Whether to try accept4 again in this turn after it failed with `error`.
    private bool OnFailed(SocketError error)
    {
        switch (error)
        {
            case SocketError.WouldBlock:
                return false; // nothing pending: the next readiness report says when
            case SocketError.ConnectionAborted or SocketError.Interrupted:
                return true; // the client gave up between its SYN and our accept: the next one
            case SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable:
                Pause(error);
                return false;
            default:
                // Stopped (EINVAL after shutdown, EBADF) or broken: nothing more to accept here.
                Unregister();
                return false;
        }
    }

    // Out of descriptors or memory: the listening socket leaves the set until a timer puts it back (nginx
    // disables accept events for a while the same way), instead of being reported readable on every turn.
    private void Pause(SocketError error)
    {
        if (error == SocketError.TooManyOpenSockets)
        {
            server.Descriptors.OnExhausted(server.Connections.Count);
        }
        _backoff = _backoff == TimeSpan.Zero ? FirstBackoff : TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, MaxBackoff.Ticks));
        if (_failures++ == 0)
        {
            _failingSince = Environment.TickCount64;
            ServerLog.AcceptFailed(server.Log, error, FirstBackoff.TotalMilliseconds, MaxBackoff.TotalMilliseconds);
        }
        _loop.Modify(_registration, listener.Socket.SafeHandle, Interest.None);
        _resume ??= _loop.CreateTimer(static state => ((EventLoopAcceptor)state!).Resume(), this);
        _resume.Schedule(_backoff);
    }

    // A burst of failed accepts ended with a successful one: say so, once (as Listener.TryAccept does).
    private void EndBurst()
    {
        _backoff = TimeSpan.Zero;
        if (_failures > 0)
        {
            ServerLog.AcceptResumed(server.Log, _failures, (Environment.TickCount64 - _failingSince) / 1000.0);
            _failures = 0;
        }
    }

    private void Resume()
    {
        if (_registration >= 0)
        {
            _loop.Modify(_registration, listener.Socket.SafeHandle, listener.IsShared ? Interest.Read | Interest.Exclusive : Interest.Read);
        }
    }

    private void Unregister()
    {
        _resume?.Dispose();
        if (_registration >= 0)
        {
            try
            {
                _loop.Unregister(_registration, listener.Socket.SafeHandle, closing: false);
            }
            catch (ObjectDisposedException)
            {
                // Shutdown closed the listener before it told this loop: closing took it out of the epoll set.
                _loop.Unregister(_registration, listener.Socket.SafeHandle, closing: true);
            }
            _registration = -1;
        }
        _stopped.Set();
    }
}
