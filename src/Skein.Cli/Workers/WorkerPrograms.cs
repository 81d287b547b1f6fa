// How `skein` starts its own worker processes: the program to exec (this one again: the native or apphost
// `skein` as itself, or `dotnet skein.dll`), the hidden `worker` command, and the settings message. This is
// the host's half of the contract; the server library only knows the WorkerLaunch record it is given.

using System.Reflection;
using Skein.App;
using Skein.Server;
using Skein.Server.Processes;

namespace Skein.Cli.Workers;

/// <summary>Builds the <see cref="WorkerLaunch"/> of the <c>skein</c> program.</summary>
public static class WorkerPrograms
{
    /// <summary>The hidden subcommand a worker runs.</summary>
    public const string WorkerCommand = "worker";

    /// <summary>The name of the program (Skein.Cli builds <c>skein</c>).</summary>
    public const string ProgramName = "skein";

    /// <summary>
    /// The launch for workers serving <paramref name="server"/> and <paramref name="site"/>: the running
    /// program again when it is <c>skein</c> (itself if it is the native image or the apphost, else
    /// <c>dotnet skein.dll</c> through the same host); when another program hosts the server (a test
    /// runner), the <c>skein</c> build output in the application's directory.
    /// </summary>
    /// <exception cref="FileNotFoundException">No <c>skein</c> program could be found.</exception>
    public static WorkerLaunch For(ServerOptions server, SiteOptions site)
    {
        var settings = new WorkerSettings(server, site).Encode();
        var (fileName, arguments) = ThisProgram();
        return new WorkerLaunch(fileName, [.. arguments, WorkerCommand], settings);
    }

    private static (string FileName, string[] Arguments) ThisProgram()
    {
        var processPath = Environment.ProcessPath ?? throw new FileNotFoundException("The path of the running program is unknown.");
        var directory = AppContext.BaseDirectory;
        if (Assembly.GetEntryAssembly()?.GetName().Name == ProgramName)
        {
            // The native image or the apphost run as themselves; under the muxer (`dotnet skein.dll`) the
            // muxer runs the dll again.
            return IsProgram(processPath) ? (processPath, []) : (processPath, [Path.Combine(directory, ProgramName + ".dll")]);
        }
        var apphost = Path.Combine(directory, ProgramName);
        if (File.Exists(apphost))
        {
            return (apphost, []);
        }
        var dll = Path.Combine(directory, ProgramName + ".dll");
        if (File.Exists(dll))
        {
            return (Path.GetFileNameWithoutExtension(processPath) == "dotnet" ? processPath : "dotnet", [dll]);
        }
        throw new FileNotFoundException($"Cannot start worker processes: no '{ProgramName}' program in {directory}.");
    }

    private static bool IsProgram(string processPath)
        => string.Equals(Path.GetFileNameWithoutExtension(processPath), ProgramName, StringComparison.Ordinal);
}
