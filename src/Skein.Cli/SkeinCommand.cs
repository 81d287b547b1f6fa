using System.CommandLine;
using Skein.Cli.Commands;

namespace Skein.Cli;

/// <summary>The root of the <c>skein</c> program: one subcommand per file under Commands/, each a thin
/// wrapper that parses options into typed settings and calls a library.</summary>
public static class SkeinCommand
{
    /// <summary>Builds the command tree.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("Skein: an HTTP/1.1 server whose concurrency model is chosen at start-up, and the tools to measure it.");
        foreach (var command in Commands())
        {
            root.Subcommands.Add(command);
        }
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the chosen command; returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args) => Build().Parse(args).InvokeAsync();

    private static IEnumerable<Command> Commands()
    {
        yield return ServeCommand.Create();
        yield return BenchCommand.Create();
        yield return SendCommand.Create();
        yield return ProbeCommand.Create();
        yield return CometCommand.Create();
        yield return WorkerCommand.Create();
    }
}
