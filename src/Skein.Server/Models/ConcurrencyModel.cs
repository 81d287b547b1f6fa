// The seven concurrency models a server can be started with. This file only names them; each model is a
// small driver in this folder, and ModelFactory maps a value to its driver.
namespace Skein.Server.Models;

/// <summary>How a Skein server runs its connections. Chosen once at start-up (<c>skein serve -m</c>).</summary>
// CA1720: "Single" is the model's textbook name (and the CLI's), not the System.Single type.
#pragma warning disable CA1720
public enum ConcurrencyModel
{
    /// <summary>One thread serves one connection at a time; everyone else waits in the listen backlog.</summary>
    Single,
    /// <summary>A new OS thread per accepted connection, blocking socket I/O.</summary>
    Thread,
    /// <summary>A hand-built pool of N threads fed by a bounded queue of accepted connections.</summary>
    ThreadPool,
    /// <summary>A new OS process per connection; the accepted socket is handed to the child.</summary>
    Process,
    /// <summary>N pre-started worker processes (pre-fork), each serving connections with blocking I/O.</summary>
    ProcessPool,
    /// <summary>N event loops in one process; each loop is one thread running every handler of its connections.</summary>
    Async,
    /// <summary>N worker processes, each running one event loop that accepts from the shared listening socket.</summary>
    Hybrid,
}
#pragma warning restore CA1720
