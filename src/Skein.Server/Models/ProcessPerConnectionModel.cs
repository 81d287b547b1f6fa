// The process-per-connection model: a new OS process for each connection. Both sides are here: what the
// master does (Run: accept, hand over) and what each process runs (Work: serve that one connection); the
// process mechanics are in Processes/.

using Skein.Server.Interop;
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
    /// <c>--max-connections</c> as in every model) and hands each connection to a process of its own: a ready
    /// spare at once, else the next process to become ready. At most <c>--max-starting</c> processes start at
    /// once; connections waiting for one queue up to <c>--queue</c>, and beyond that get a quick 503. A
    /// connection whose client has reset it, when accepted or while it waits, is closed, not given a process,
    /// and the starts no longer wanted are cancelled (SpareWorkers).</summary>
    public void Run(Listener listener, CancellationToken stopping)
    {
        var options = server.Options;
        var processes = _master.StartSpares(options.EffectiveWorkers, options.MaxStartingProcesses, options.QueueCapacity);
        while (!stopping.IsCancellationRequested && server.TryAccept(listener, out var connection))
        {
            // The master's registry only admits (503 when full); the connection's process owns it from here.
            server.Connections.Unregister(connection);
            if (processes.Busy >= options.MaxConnections)
            {
                server.Reject(connection, $"{options.MaxConnections} connection processes running (--max-connections)");
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

    // Gives the connection the process SpareWorkers hands out, now or (queued) later; a process that died
    // before taking it is replaced by another request. Never throws: it may run on a process's ready event.
    private void HandOver(SpareWorkers processes, Connection connection)
    {
        if (!IsOpen(connection))
        {
            connection.Socket.Dispose(); // its client reset it while it waited in the listen backlog
            return;
        }
        var taken = processes.TryTake(connection.Id, () => IsOpen(connection));
        if (taken is null)
        {
            server.Reject(connection, $"{server.Options.MaxStartingProcesses} processes starting and {server.Options.QueueCapacity} connections waiting for one (--max-starting, --queue)");
        }
        else if (taken.IsCompleted)
        {
            Send(processes, connection, taken.Result);
        }
        else
        {
            taken.ContinueWith(t => Send(processes, connection, t.Result), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void Send(SpareWorkers processes, Connection connection, WorkerProcess? process)
    {
        if (process is null)
        {
            if (IsOpen(connection))
            {
                server.Reject(connection, "no process could be started for it");
            }
            else
            {
                connection.Socket.Dispose(); // its client left while it waited
            }
            return;
        }
        if (process.TrySend(new WorkerMessage(WorkerMessageKind.Serve, connection.Id), connection.Socket.SafeHandle))
        {
            connection.Socket.Dispose(); // the master's copy is closed once the child holds its own
            return;
        }
        HandOver(processes, connection); // that process died after it was ready: ask for another
    }

    // A client that reset its connection (poll: POLLERR, POLLHUP) needs no process. A client that only
    // half-closed after sending its request still gets its answer.
    private static bool IsOpen(Connection connection) => !UnixSockets.IsOver(connection.Socket.SafeHandle);
}
