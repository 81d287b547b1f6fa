// The process-per-connection model: a new OS process for each connection. This file is the master's
// side (accept, hand over); the child's side is WorkerHost, which serves the one socket it receives.

using Skein.Server.Lifecycle;
using Skein.Server.Processes;

namespace Skein.Server.Models;

/// <summary>
/// Process per connection, the classic inetd/CGI shape: the master accepts each connection and hands the
/// socket (SCM_RIGHTS) to a process of its own, which serves that connection with blocking I/O and exits.
/// A crash, a leak or a runaway handler in one connection's process touches no other connection. .NET
/// cannot fork, so each process is a fresh <c>skein worker</c>: to keep its start-up time off the
/// client's path, a few spare processes (<c>-w</c>, default 4) are started ahead, each used for exactly
/// one connection. The price is one process (tens of MB) per open connection and one start per connection.
/// </summary>
public sealed class ProcessPerConnectionModel(ServerContext server, WorkerLaunch? launch = null) : IConcurrencyModel, IDisposable
{
    private readonly SharedSignal _shared = SharedSignal.Create();
    private SpareWorkers? _processes;

    /// <inheritdoc/>
    public void Run(Listener listener, CancellationToken stopping)
    {
        _processes = new SpareWorkers(launch ?? WorkerLaunch.ForThisServer(), server.Options.EffectiveWorkers,
            worker => WorkerMaster.Prepare(worker, _shared), server.Log);
        _processes.Start();
        while (!stopping.IsCancellationRequested && server.TryAccept(listener, out var connection))
        {
            // The master's registry only admits (503 when full); the connection's process owns it from here.
            server.Connections.Unregister(connection);
            if (_processes.Busy >= server.Options.MaxConnections)
            {
                server.Reject(connection, $"{server.Options.MaxConnections} connection processes running (--max-connections)");
                continue;
            }
            HandOver(connection);
        }
    }

    /// <inheritdoc/>
    public bool Join(TimeSpan timeout) => _processes is null || WorkerMaster.Stop(_processes, server, timeout);

    /// <summary>Releases the shared page's descriptor.</summary>
    public void Dispose() => _shared.Dispose();

    private void HandOver(Connection connection)
    {
        using var socket = connection.Socket; // the master's copy is closed once the child holds its own
        while (_processes!.TryTake(connection.Id) is { } process)
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
