// How to start a worker process: this same program again, as `skein worker`. .NET cannot fork(), so a
// worker is a fresh exec of the program the master runs from, told by its command line what to serve.
// This file only builds the command line; WorkerProcess starts it.

using System.Diagnostics;
using System.Reflection;

namespace Skein.Server.Processes;

/// <summary>
/// The program and arguments that start a <c>skein worker</c>. <see cref="FileName"/> and
/// <see cref="ProgramArguments"/> name the program (<c>skein</c>, or <c>dotnet skein.dll</c>);
/// <see cref="SettingsArguments"/> carry the server settings (the <c>serve</c> options) to the worker.
/// </summary>
public sealed record WorkerLaunch(string FileName, IReadOnlyList<string> ProgramArguments, IReadOnlyList<string> SettingsArguments)
{
    /// <summary>The subcommand a worker runs.</summary>
    public const string WorkerCommand = "worker";

    /// <summary>The option that tells a worker which inherited descriptor is its channel to the master.</summary>
    public const string ChannelFdOption = "--channel-fd";

    /// <summary>The name of the program's assembly (Skein.Cli builds <c>skein</c>).</summary>
    public const string ProgramName = "skein";

    /// <summary>
    /// Re-executes the running program when it is <c>skein</c>: the <c>skein</c> apphost as itself, or
    /// <c>dotnet skein.dll</c> through the same <c>dotnet</c> host. When another program hosts the server
    /// (a test runner), uses the <c>skein</c> build output in the application's directory.
    /// </summary>
    /// <exception cref="FileNotFoundException">No <c>skein</c> program could be found.</exception>
    public static WorkerLaunch ForThisProgram(IReadOnlyList<string> settingsArguments)
    {
        var processPath = Environment.ProcessPath ?? throw new FileNotFoundException("The path of the running program is unknown.");
        var entry = Assembly.GetEntryAssembly();
        if (entry?.GetName().Name == ProgramName && !string.IsNullOrEmpty(entry.Location))
        {
            // Started as the apphost (.../skein) or through the muxer (dotnet .../skein.dll).
            return IsApphost(processPath)
                ? new WorkerLaunch(processPath, [], settingsArguments)
                : new WorkerLaunch(processPath, [entry.Location], settingsArguments);
        }
        var directory = AppContext.BaseDirectory;
        var apphost = Path.Combine(directory, OperatingSystem.IsWindows() ? ProgramName + ".exe" : ProgramName);
        if (File.Exists(apphost))
        {
            return new WorkerLaunch(apphost, [], settingsArguments);
        }
        var dll = Path.Combine(directory, ProgramName + ".dll");
        if (File.Exists(dll))
        {
            var host = Path.GetFileNameWithoutExtension(processPath) == "dotnet" ? processPath : "dotnet";
            return new WorkerLaunch(host, [dll], settingsArguments);
        }
        throw new FileNotFoundException($"Cannot start worker processes: no '{ProgramName}' program in {directory}.");
    }

    /// <summary>The subcommand whose options a worker re-uses as its settings.</summary>
    public const string ServeCommand = "serve";

    /// <summary>
    /// The launch for the master of a process model started as <c>skein serve [options]</c>: this program
    /// again, with the same options (model, folder, limits, timeouts, verbosity...), so a worker builds the
    /// same server the user asked for. A different host must pass its own <see cref="WorkerLaunch"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">This process is not <c>skein serve</c>.</exception>
    public static WorkerLaunch ForThisServer()
    {
        var args = Environment.GetCommandLineArgs();
        if (Assembly.GetEntryAssembly()?.GetName().Name != ProgramName || args.Length < 2 || args[1] != ServeCommand)
        {
            throw new InvalidOperationException(
                $"Worker processes re-run the options of `{ProgramName} {ServeCommand}`; this process was started otherwise, so the model needs an explicit {nameof(WorkerLaunch)}.");
        }
        return ForThisProgram(args[2..]);
    }

    /// <summary>The start info for a worker whose channel is inherited as descriptor <paramref name="channelFd"/>.
    /// Standard input, output and error are inherited, so a worker's log lines go straight to the master's.</summary>
    public ProcessStartInfo CreateStartInfo(int channelFd)
    {
        var info = new ProcessStartInfo(FileName) { UseShellExecute = false };
        foreach (var argument in ProgramArguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.ArgumentList.Add(WorkerCommand);
        info.ArgumentList.Add(ChannelFdOption);
        info.ArgumentList.Add(channelFd.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var argument in SettingsArguments)
        {
            info.ArgumentList.Add(argument);
        }
        return info;
    }

    /// <summary>The whole command line, for logs.</summary>
    public override string ToString() => string.Join(' ', [FileName, .. ProgramArguments, WorkerCommand, .. SettingsArguments]);

    private static bool IsApphost(string processPath)
        => string.Equals(Path.GetFileNameWithoutExtension(processPath), ProgramName, StringComparison.Ordinal);
}
