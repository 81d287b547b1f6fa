// The contract every concurrency model fulfils: accept and dispatch until told to stop, then join what it
// started. Models decide only who runs the ConnectionLoop; none of them contains HTTP logic.
using Skein.Server.Lifecycle;

namespace Skein.Server.Models;

/// <summary>A concurrency model: who runs the connection loop of each accepted connection.</summary>
public interface IConcurrencyModel
{
    /// <summary>Accepts from <paramref name="listener"/> and dispatches connections until
    /// <paramref name="stopping"/> fires (the listener is then stopped, so a blocked accept returns).
    /// Returns once it no longer accepts; connections in progress may still be running.</summary>
    void Run(Listener listener, CancellationToken stopping);

    /// <summary>After the connections drained: waits for every thread, loop or process the model started.
    /// False if some did not finish within <paramref name="timeout"/>.</summary>
    bool Join(TimeSpan timeout);
}
