// Runs a server from start to exit: binds (or takes) the listener, logs the first line, routes signals to
// the shutdown coordinator, runs the model, then drains and joins. It does not parse options or build the
// application (the CLI does) and it contains no model-specific code.
using System.Globalization;
using Microsoft.Extensions.Logging;
using Skein.Server.Lifecycle;
using Skein.Server.Logging;
using Skein.Server.Models;

namespace Skein.Server;

/// <summary>The lifecycle of a whole server process.</summary>
public static class ServerHost
{
    /// <summary>
    /// Runs <paramref name="model"/> on <paramref name="listener"/> until shutdown is requested (a signal
    /// when <paramref name="handleSignals"/>, or <see cref="ShutdownCoordinator.RequestStop"/>), then
    /// runs the shutdown sequence and joins the model. Returns the process exit code: 0.
    /// </summary>
    public static int Run(ServerContext server, Listener listener, IConcurrencyModel model, bool handleSignals = true)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(model);
        var options = server.Options;
        var workers = options.Model switch
        {
            ConcurrencyModel.Single => "1",
            ConcurrencyModel.Thread => "one thread per connection",
            _ => options.EffectiveWorkers.ToString(CultureInfo.InvariantCulture),
        };
        ServerLog.Started(server.Log, ModelName(options.Model), workers, Environment.ProcessId,
            listener.EndPoint.ToString(), options.Folder ?? "-");
        server.Shutdown.OnStopAccepting(listener.Stop);
        using (handleSignals ? server.Shutdown.HandleSignals() : null)
        {
            model.Run(listener, server.Shutdown.Stopping);
            // The model returns when the listener stopped: normally because shutdown was requested; if the
            // listener failed on its own, shut down the same way.
            server.Shutdown.RequestStop("the listener stopped");
            var drained = server.Shutdown.WaitForConnections();
            var joined = model.Join(TimeSpan.FromSeconds(5));
            ServerLog.Stopped(server.Log, drained ? 0 : server.Connections.Count, joined);
        }
        (model as IDisposable)?.Dispose();
        return 0;
    }

    /// <summary>The model as the command line spells it: <c>thread-pool</c>.</summary>
    public static string ModelName(ConcurrencyModel model) => model switch
    {
        ConcurrencyModel.ThreadPool => "thread-pool",
        ConcurrencyModel.ProcessPool => "process-pool",
        _ => model.ToString().ToLowerInvariant(),
    };
}
