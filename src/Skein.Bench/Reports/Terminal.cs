// Terminal: where the tools' output goes and what it may contain, decided once per run. Colour and live
// redrawing need a terminal that takes ANSI escapes; NO_COLOR (https://no-color.org) or TERM=dumb turn
// escapes off but keep the human layout; a pipe or a file gets plain lines that a program can read.
// It decides and builds consoles; it does not render reports.
using Spectre.Console;

namespace Skein.Bench.Reports;

/// <summary>What kind of output a tool writes.</summary>
public enum OutputKind
{
    /// <summary>A terminal that takes ANSI escapes: colour and a live progress bar.</summary>
    AnsiTerminal,

    /// <summary>A terminal without escapes (NO_COLOR, TERM=dumb): the human layout, progress as plain lines on stderr.</summary>
    PlainTerminal,

    /// <summary>A pipe or a file: plain "key: value" lines, flushed as they are written; progress on stderr.</summary>
    Pipe,
}

/// <summary>Decides the output kind and builds the matching Spectre.Console console.</summary>
public static class Terminal
{
    /// <summary>The kind of standard output, from the process's environment.</summary>
    public static OutputKind Stdout => Detect(System.Console.IsOutputRedirected, Environment.GetEnvironmentVariable("NO_COLOR"), Environment.GetEnvironmentVariable("TERM"));

    /// <summary>The kind for an output that <paramref name="redirected"/> says is or is not a terminal, under
    /// the given NO_COLOR and TERM values. NO_COLOR counts when set to anything but the empty string.</summary>
    public static OutputKind Detect(bool redirected, string? noColor, string? term)
        => redirected ? OutputKind.Pipe
        : !string.IsNullOrEmpty(noColor) || string.Equals(term, "dumb", StringComparison.Ordinal) ? OutputKind.PlainTerminal
        : OutputKind.AnsiTerminal;

    /// <summary>A console on <paramref name="output"/> (standard output when null) that writes escapes only
    /// for <see cref="OutputKind.AnsiTerminal"/> (Spectre.Console's own detection writes them into redirected
    /// output when TERM says the terminal could).</summary>
    public static IAnsiConsole Console(OutputKind kind, TextWriter? output = null)
    {
        var ansi = kind == OutputKind.AnsiTerminal;
        return AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = ansi ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ansi ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = ansi ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(output ?? System.Console.Out),
        });
    }
}
