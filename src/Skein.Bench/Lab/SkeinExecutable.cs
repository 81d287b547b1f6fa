// SkeinExecutable: how the lab re-runs the program it lives in: <c>skein</c> itself (native), or <c>dotnet skein.dll</c>.
namespace Skein.Bench.Lab;

/// <summary>How the lab re-runs the program it lives in: <c>skein</c> itself (native), or <c>dotnet skein.dll</c>.</summary>
/// <param name="Path">The executable.</param>
/// <param name="PrefixArguments">Arguments before the command (the .dll when run through dotnet).</param>
public sealed record SkeinExecutable(string Path, IReadOnlyList<string> PrefixArguments)
{
    /// <summary>The running program: the native binary, or dotnet and the entry assembly.</summary>
    public static SkeinExecutable Current()
    {
        string path = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program is unknown");
        // Under `dotnet skein.dll` the process is the dotnet host and the first argument the assembly; the
        // apphost (`skein`) and the native binary are the program themselves.
        bool host = System.IO.Path.GetFileNameWithoutExtension(path) == "dotnet";
        return host ? new SkeinExecutable(path, [Environment.GetCommandLineArgs()[0]]) : new SkeinExecutable(path, []);
    }
}
