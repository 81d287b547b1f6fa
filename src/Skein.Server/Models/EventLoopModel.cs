// The async model: N event loops in one process, like Netty's event loop group, libuv or nginx's event cycle.
using Skein.Server.Lifecycle;
using Skein.Server.Threading;

namespace Skein.Server.Models;

/// <summary>
/// Event loops: N threads, each owning an epoll set. The first loop also watches the listening socket; it
/// accepts what arrives and hands each connection round-robin to a loop (itself included), and that loop's
/// single thread runs every step of the connection (reads, handler code, writes, timeouts) for its whole life,
/// interleaved with its other connections whenever one would block. Thousands of idle or waiting connections
/// cost no threads; a CPU-bound handler, though, stalls every connection of its loop. N is <c>-w</c>.
/// </summary>
public sealed class EventLoopModel(ServerContext server) : IConcurrencyModel, IDisposable
{
    private EventLoopGroup? _loops;

    /// <summary>Starts the loops and the accepting, then waits until shutdown stops the accepting (or the
    /// listening socket fails). The loops go on serving their connections until <see cref="Join"/>.</summary>
    public void Run(Listener listener, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(listener);
        _loops = new EventLoopGroup(server.Options.EffectiveWorkers, server.Log);
        using var acceptor = new EventLoopAcceptor(server, listener, _loops);
        acceptor.Start();
        // Shutdown takes the listening socket out of the loop before anything closes it.
        using (stopping.Register(static state => ((EventLoopAcceptor)state!).Stop(), acceptor))
        {
            acceptor.WaitUntilStopped();
        }
    }

    /// <inheritdoc/>
    public bool Join(TimeSpan timeout) => _loops?.Join(timeout) ?? true;

    /// <summary>Stops the loops (if still running) and waits briefly for them.</summary>
    public void Dispose() => _loops?.Dispose();
}
