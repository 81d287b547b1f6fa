// The root of the `skein` program: the command tree, help, and the one place parse errors are reported
// (one line, exit code 2). Each subcommand lives in its own file under Commands/ and builds its options
// from Grammar/OptionTable, so every command speaks the same option grammar.
using System.CommandLine;
using System.CommandLine.Help;
using Skein.Cli.Commands;
using Skein.Cli.Grammar;

namespace Skein.Cli;

/// <summary>The root of the <c>skein</c> program: one subcommand per file under Commands/, each a thin
/// wrapper that parses options into typed settings and calls a library.</summary>
public static class SkeinCommand
{
    /// <summary>Builds the command tree, hidden commands included.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("Skein: an HTTP/1.1 server whose concurrency model is chosen at start-up, and the tools to measure it.");
        foreach (var command in Commands())
        {
            root.Subcommands.Add(command);
        }
        // A bare `skein` prints the help and succeeds, as git does; so does --help anywhere.
        root.Action = new HelpText.Action();
        foreach (var help in root.Options.OfType<HelpOption>())
        {
            help.Action = new HelpText.Action();
        }
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the chosen command; returns the exit code. A bad
    /// command line is one line on stderr and exit code 2, whichever command it was for.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        var parse = Build().Parse(args);
        if (parse.Action is not HelpText.Action && Complaint.Describe(parse) is { } problem)
        {
            return Task.FromResult(Complaint.Usage(parse, problem));
        }
        return parse.InvokeAsync();
    }

    private static IEnumerable<Command> Commands()
    {
        yield return ServeCommand.Create();
        yield return BenchCommand.Create();
        yield return ProbeCommand.Create();
        yield return CometCommand.Create();
        yield return SendCommand.Create();
        yield return LabCommand.Create();
        yield return WorkerCommand.Create();
    }
}
