// The part of a reload that only a model with worker processes can do: replace its workers with new ones
// started with the new options, and relay "reopen your logs" to them. Models without worker processes do
// not implement it; their reload is ServerContext.Apply alone.
using Skein.Server.Processes;

namespace Skein.Server.Lifecycle;

/// <summary>A concurrency model whose worker processes take part in reloads.</summary>
public interface IReconfigurable
{
    /// <summary>Starts new workers with <paramref name="options"/> (launched by <paramref name="launch"/>) and, once
    /// they serve, stops the old ones gracefully: they stop accepting, finish their in-flight requests, close
    /// their idle connections and exit. False when the new workers could not be started (logged): the old ones
    /// then keep serving, untouched. Called by one thread at a time.</summary>
    bool Reload(ServerOptions options, WorkerLaunch launch);

    /// <summary>Tells every worker to reopen its log files.</summary>
    void ReopenLogs();
}
