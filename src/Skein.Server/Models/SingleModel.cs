// The baseline model. Not concurrent at all: it exists to be measured against. One thread serves one connection
// at a time; while it waits for that client's bytes it also watches the listener (poll(2) on both), so that a
// client arriving meanwhile is queued in a bounded line, or refused with a quick 503 past it, instead of waiting
// unseen in the listen backlog. The line and its rule are in Lifecycle/WaitingLine.
using Skein.Server.Lifecycle;

namespace Skein.Server.Models;

/// <summary>
/// Single: one thread accepts a connection, serves it with blocking I/O until it closes, then serves the next.
/// Clients arriving while it waits for the one it serves are accepted into a line of <c>--queue</c>
/// connections, served in order afterwards; past that a quick 503. While others wait, a response closes its
/// connection and a client slow to send its head gives way (<see cref="WaitingLine"/>). A handler that runs
/// blocks everything: ten 1-second requests take ten seconds.
/// </summary>
/// <param name="server">The server.</param>
/// <param name="patience">How long a newcomer is left in the listen backlog before this busy thread takes it:
/// zero here; a process-pool worker leaves it to idle workers sharing the listener for a moment.</param>
public sealed class SingleModel(ServerContext server, TimeSpan patience = default) : IConcurrencyModel
{
    /// <inheritdoc/>
    public void Run(Listener listener, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(listener);
        var line = new WaitingLine(server, listener, server.Options.QueueCapacity, patience);
        while (line.TryTake(out var connection) || (!stopping.IsCancellationRequested && server.TryAccept(listener, out connection)))
        {
            line.LookAtListener(); // between two clients too: a newcomer is queued or refused now, not after the line
            server.ServeBlocking(connection, line);
        }
    }

    /// <inheritdoc/>
    public bool Join(TimeSpan timeout) => true; // it ran on the caller's thread; nothing else to wait for
}
