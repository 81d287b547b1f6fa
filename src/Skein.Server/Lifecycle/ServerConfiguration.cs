// What a host hands the server when it reads its configuration again (SIGHUP): the new options, whether the
// application's own options changed, and how to start workers with given options. The host reads files and
// command lines (Skein.Cli); this library only receives the result, and knows no file format.
using System.Diagnostics.CodeAnalysis;
using Skein.Server.Processes;

namespace Skein.Server.Lifecycle;

/// <summary>A configuration as the host loaded it.</summary>
/// <param name="Options">The server's options, validated.</param>
/// <param name="ApplicationChanged">True when the application's own options (not in <see cref="ServerOptions"/>) changed.</param>
/// <param name="Launch">How to start a worker process that runs with the given options (the host encodes them
/// into the settings message); null when the host starts no workers.</param>
public sealed record ServerConfiguration(ServerOptions Options, bool ApplicationChanged, Func<ServerOptions, WorkerLaunch>? Launch);

/// <summary>The host's way of loading its configuration again.</summary>
public interface IConfigurationSource
{
    /// <summary>Loads the configuration now. False with one line saying why (a bad key in the file, a missing
    /// folder): the server then keeps running as it is.</summary>
    bool TryLoad([NotNullWhen(true)] out ServerConfiguration? configuration, [NotNullWhen(false)] out string? problem);
}
