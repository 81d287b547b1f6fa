// Thread per connection, the classic blocking server. Costs one OS thread (and stack) per client.
using Skein.Server.Lifecycle;

namespace Skein.Server.Models;

/// <summary>
/// Thread per connection: the acceptor blocks in accept; every accepted socket gets a new OS thread that
/// serves it with blocking I/O until it closes. Simple and isolated; one stack per client, and slow clients
/// hold a thread each (the header timeout is what keeps slowloris from exhausting them).
/// </summary>
public sealed class ThreadPerConnectionModel(ServerContext server) : IConcurrencyModel
{
    /// <inheritdoc/>
    public void Run(Listener listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested && server.TryAccept(listener, out var connection))
        {
            server.Threads.Start($"conn-{connection.Id}", () => server.ServeBlocking(connection));
        }
    }

    /// <inheritdoc/>
    public bool Join(TimeSpan timeout) => server.Threads.JoinAll(timeout);
}
