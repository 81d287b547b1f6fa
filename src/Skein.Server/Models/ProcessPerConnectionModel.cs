// The process-per-connection model: a new OS process for each connection. Both sides are here: what the
// master does (Run: accept, hand over) and what each process runs (Work: serve that one connection); the
// process mechanics are in Processes/.

using Skein.Server.Lifecycle;
using Skein.Server.Processes;

namespace Skein.Server.Models;

/// <summary>
/// Process per connection, the classic inetd/CGI shape: the master accepts each connection and hands the
/// socket (SCM_RIGHTS) to a process of its own, which serves that connection with blocking I/O and exits.
/// A crash, a leak or a runaway handler in one connection's process touches no other connection. .NET
/// cannot fork, so each process is a fresh exec of the worker program: to keep its start-up time off the
/// client's path, a few spare processes (<c>-w</c>, default 4) are started ahead, each used for exactly
/// one connection. The price is one process per open connection and one start per connection.
/// </summary>
public sealed class ProcessPerConnectionModel(ServerContext server, WorkerLaunch launch) : IConcurrencyModel, IDisposable
{
    private readonly ProcessMaster _master = new(server, launch);

    /// <summary>The master: keeps <c>-w</c> spare processes; accepts (admission and 503 at
    /// <c>--max-connections</c> as in every model), hands each connection to a process of its own, closes
    /// its copy and accepts the next.</summary>
    public void Run(Listener listener, CancellationToken stopping)
    {
        var processes = _master.StartSpares(server.Options.EffectiveWorkers);
        while (!stopping.IsCancellationRequested && server.TryAccept(listener, out var connection))
        {
            // The master's registry only admits (503 when full); the connection's process owns it from here.
            server.Connections.Unregister(connection);
            if (processes.Busy >= server.Options.MaxConnections)
            {
                server.Reject(connection, $"{server.Options.MaxConnections} connection processes running (--max-connections)");
                continue;
            }
            HandOver(processes, connection);
        }
    }

    /// <summary>A connection's process: report ready as a spare, serve the one connection handed over with
    /// blocking I/O until it closes, exit.</summary>
    public static int Work(ProcessWorker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return worker.ServeOneConnection();
    }

    /// <inheritdoc/>
    public bool Join(TimeSpan timeout) => _master.Join(timeout);

    /// <summary>Releases the shared memory's descriptor.</summary>
    public void Dispose() => _master.Dispose();

    private void HandOver(SpareWorkers processes, Connection connection)
    {
        using var socket = connection.Socket; // the master's copy is closed once the child holds its own
        while (processes.TryTake(connection.Id) is { } process)
        {
            if (process.TrySend(new WorkerMessage(WorkerMessageKind.Serve, connection.Id), socket.SafeHandle))
            {
                return;
            }
            // That process died after it was started: the next spare takes the connection.
        }
        server.Reject(connection, "no process could be started for it");
    }
}
