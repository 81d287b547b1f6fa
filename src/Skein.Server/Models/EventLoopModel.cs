// The async model: N event loops in one process, like asyncio, Node or Netty's event loop group.
using Skein.Server.Lifecycle;
using Skein.Server.Threading;

namespace Skein.Server.Models;

/// <summary>
/// Event loops: the acceptor hands each connection round-robin to one of N loops, and that loop's single
/// thread runs every step of it (reads, handler code, writes) for the connection's whole life, interleaved
/// with its other connections at each await. Thousands of idle or waiting connections cost no threads; a
/// CPU-bound handler, though, stalls every connection of its loop. A hybrid worker process runs this with N = 1.
/// </summary>
public sealed class EventLoopModel(ServerContext server) : IConcurrencyModel, IDisposable
{
    private EventLoopGroup? _loops;

    /// <inheritdoc/>
    public void Run(Listener listener, CancellationToken stopping)
    {
        _loops = new EventLoopGroup(server.Options.EffectiveWorkers, server.Log);
        while (!stopping.IsCancellationRequested && server.TryAccept(listener, out var connection))
        {
            _loops.Next().Spawn(() => server.ServeAsync(connection));
        }
    }

    /// <inheritdoc/>
    public bool Join(TimeSpan timeout) => _loops?.Join(timeout) ?? true;

    /// <summary>Stops the loops (if still running) and waits briefly for them.</summary>
    public void Dispose() => _loops?.Dispose();
}
