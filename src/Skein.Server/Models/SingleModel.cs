// The baseline model. Not concurrent at all: it exists to be measured against.
using Skein.Server.Lifecycle;

namespace Skein.Server.Models;

/// <summary>
/// Single: one thread accepts a connection, serves it with blocking I/O until it closes, then accepts the
/// next. Every other client waits in the listen backlog meanwhile, so ten 1-second requests take ten seconds.
/// </summary>
public sealed class SingleModel(ServerContext server) : IConcurrencyModel
{
    /// <inheritdoc/>
    public void Run(Listener listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested && server.TryAccept(listener, out var connection))
        {
            server.ServeBlocking(connection);
        }
    }

    /// <inheritdoc/>
    public bool Join(TimeSpan timeout) => true; // it ran on the caller's thread; nothing else to wait for
}
