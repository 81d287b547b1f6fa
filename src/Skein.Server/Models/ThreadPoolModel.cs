// A fixed pool of threads built by hand (no .NET ThreadPool, Task.Run or Parallel), fed by a bounded queue.
using Skein.Server.Lifecycle;
using Skein.Server.Threading;

namespace Skein.Server.Models;

/// <summary>
/// Thread pool: N worker threads take accepted connections from a bounded queue and serve each with
/// blocking I/O until it closes. At most N connections are served at once; the rest wait in the queue,
/// and when the queue is full a new connection gets a quick 503. Ten 1-second requests on five workers
/// take two seconds.
/// </summary>
public sealed class ThreadPoolModel(ServerContext server) : IConcurrencyModel
{
    private WorkerPool<Connection>? _pool;

    /// <inheritdoc/>
    public void Run(Listener listener, CancellationToken stopping)
    {
        _pool = new WorkerPool<Connection>("pool", server.Options.EffectiveWorkers, server.Options.QueueCapacity, server.ServeBlocking, server.Log);
        while (!stopping.IsCancellationRequested && server.TryAccept(listener, out var connection))
        {
            if (!_pool.TryEnqueue(connection))
            {
                server.Reject(connection, $"all {_pool.Workers} workers busy and {server.Options.QueueCapacity} connections queued");
            }
        }
        _pool.Complete();
    }

    /// <inheritdoc/>
    public bool Join(TimeSpan timeout) => _pool?.Join(timeout) ?? true;
}
