// Maps a ConcurrencyModel value to its driver: the one switch the CLI dispatches through.
namespace Skein.Server.Models;

/// <summary>Creates the driver of a concurrency model.</summary>
public static class ModelFactory
{
    /// <summary>The driver for <see cref="ServerOptions.Model"/>. Throws <see cref="NotSupportedException"/>
    /// for a model not built into this version.</summary>
    public static IConcurrencyModel Create(ServerContext server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.Options.Model switch
        {
            ConcurrencyModel.Single => new SingleModel(server),
            ConcurrencyModel.Thread => new ThreadPerConnectionModel(server),
            ConcurrencyModel.ThreadPool => new ThreadPoolModel(server),
            ConcurrencyModel.Async => new EventLoopModel(server),
            ConcurrencyModel.Process => new ProcessPerConnectionModel(server),
            ConcurrencyModel.ProcessPool => new ProcessPoolModel(server),
            ConcurrencyModel.Hybrid => new HybridModel(server),
            var other => throw new NotSupportedException($"The {other} model is not available in this build."),
        };
    }
}
