// The help skein prints: for a command, its usage line, arguments and options with their defaults spelled
// the way one types them ("30s", "8KiB"); for the program, the commands and the letter table of the one
// option grammar. Written here rather than by System.CommandLine's help builder, whose defaults print as
// .NET values ("00:00:30") and which cannot add a section. It renders text only.
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text;

namespace Skein.Cli.Grammar;

/// <summary>Renders help text.</summary>
public static class HelpText
{
    /// <summary>The program's name in usage lines and messages.</summary>
    public const string ProgramName = "skein";

    private const char NoBreak = '\u00A0';

    /// <summary>The commands a user may run (hidden ones, such as <c>worker</c>, left out).</summary>
    public static IEnumerable<Command> VisibleCommands(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return command.Subcommands.Where(c => !c.Hidden);
    }

    /// <summary>The usage line of the command <paramref name="parse"/> ran: "skein bench &lt;url&gt; [options]".</summary>
    public static string Usage(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var command = parse.CommandResult.Command;
        var line = new StringBuilder(Complaint.CommandPath(parse));
        if (command.Subcommands.Any(c => !c.Hidden))
        {
            line.Append(" <command>");
        }
        foreach (var argument in command.Arguments.Where(a => !a.Hidden))
        {
            line.Append(' ').Append(argument.Arity.MinimumNumberOfValues == 0 ? $"[{argument.Name}]" : $"<{argument.Name}>");
        }
        return line.Append(" [options]").ToString();
    }

    /// <summary>Writes the help of the command <paramref name="parse"/> ran to <paramref name="output"/>.</summary>
    public static void Write(ParseResult parse, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(output);
        var command = parse.CommandResult.Command;
        var width = Width(output);
        output.WriteLine(Wrap(command.Description ?? "", width, 0));
        output.WriteLine();
        output.WriteLine("Usage: " + Usage(parse));

        var commands = VisibleCommands(command).Select(c => (c.Name, c.Description ?? "")).ToList();
        Section(output, "Commands", commands, width);

        var arguments = command.Arguments.Where(a => !a.Hidden).Select(a => ($"<{a.Name}>", a.Description ?? "")).ToList();
        Section(output, "Arguments", arguments, width);

        var options = OptionsOf(parse).Where(o => !o.Hidden).Select(o => (Label(o), Describe(o))).ToList();
        Section(output, "Options", options, width);

        if (command is RootCommand)
        {
            var letters = OptionTable.All.Where(r => r.Letter is not null)
                .Select(r => ($"{r.ShortForm}, {r.LongForm}", r.Meaning)).ToList();
            Section(output, "One option grammar: a letter means the same in every command", letters, width);
            output.WriteLine(Wrap("Durations take a unit: 500ms, 30s, 2m, 1h, 1d; a plain number is seconds. Sizes too: 64KiB, 10M, 1G "
                + "(K, M, G are 1024-based); a plain number is bytes.", width, 2, indentFirst: true));
            output.WriteLine();
            output.WriteLine($"Run '{ProgramName} <command> --help' for the options of a command.");
        }
        else
        {
            var kinds = OptionsOf(parse).OfType<ISkeinOption>().Select(o => o.Accepted).ToList();
            var notes = new List<string>();
            if (kinds.Any(a => a.StartsWith("a duration", StringComparison.Ordinal)))
            {
                notes.Add("Durations take a unit: 500ms, 30s, 2m, 1h; a plain number is seconds.");
            }
            if (kinds.Any(a => a.StartsWith("a size", StringComparison.Ordinal)))
            {
                notes.Add("Sizes too: 64KiB, 10M (K = 1024); a plain number is bytes.");
            }
            if (notes.Count > 0)
            {
                output.WriteLine();
                output.WriteLine(Wrap(string.Join(' ', notes), width, 0));
            }
        }
    }

    /// <summary>Every option that applies to the parsed command: its own and the recursive ones of its parents.</summary>
    private static IEnumerable<Option> OptionsOf(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var own = command.Options.ToList();
        var inherited = new List<Option>();
        for (var parent = parse.CommandResult.Parent; parent is System.CommandLine.Parsing.CommandResult p; parent = p.Parent)
        {
            inherited.AddRange(p.Command.Options.Where(o => o.Recursive && !own.Contains(o)));
        }
        return own.Concat(inherited);
    }

    private static string Label(Option option)
    {
        // "-p, --port <port>"; System.CommandLine's extra spellings of help (-?, /h, /?) are left out.
        var letters = option.Aliases.Where(a => a.Length == 2 && a[0] == '-' && char.IsAsciiLetter(a[1])).Order(StringComparer.Ordinal);
        var label = string.Join(", ", letters.Append(option.Name));
        return option.Arity.MaximumNumberOfValues > 0 && option.HelpName is { } name ? $"{label} <{name}>" : label;
    }

    private static string Describe(Option option)
    {
        var text = option switch
        {
            HelpOption => "Show this help.",
            VersionOption => "Show the version.",
            _ => option.Description ?? "",
        };
        var defaultText = option is ISkeinOption skein ? skein.DefaultText
            : option.HasDefaultValue && option.Arity.MaximumNumberOfValues > 0 ? option.GetDefaultValue()?.ToString() : null;
        // A no-break space keeps "[default: 30s]" on one line when the text wraps.
        return defaultText is null ? text : $"{text} [default:{NoBreak}{defaultText}]";
    }

    private static void Section(TextWriter output, string title, List<(string Label, string Text)> rows, int width)
    {
        if (rows.Count == 0)
        {
            return;
        }
        output.WriteLine();
        output.WriteLine(title + ":");
        var column = Math.Min(rows.Max(r => r.Label.Length), 30) + 4;
        foreach (var (label, text) in rows)
        {
            var head = "  " + label;
            output.Write(head);
            if (head.Length + 2 > column)
            {
                output.WriteLine();
                output.Write(new string(' ', column));
            }
            else
            {
                output.Write(new string(' ', column - head.Length));
            }
            output.WriteLine(Wrap(text, width, column));
        }
    }

    // Word-wraps text to `width` columns; continuation lines (and the first, if asked) are indented.
    private static string Wrap(string text, int width, int indent, bool indentFirst = false)
    {
        var lines = new StringBuilder(indentFirst ? new string(' ', indent) : "");
        var column = indent;
        var room = Math.Max(width - indent, 20);
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (column > indent && column + 1 + word.Length > indent + room)
            {
                lines.Append('\n').Append(' ', indent);
                column = indent;
            }
            else if (column > indent)
            {
                lines.Append(' ');
                column++;
            }
            lines.Append(word.Replace(NoBreak, ' '));
            column += word.Length;
        }
        return lines.ToString();
    }

    private static int Width(TextWriter output)
    {
        if (output != Console.Out || Console.IsOutputRedirected)
        {
            return 100;
        }
        try
        {
            return Math.Clamp(Console.WindowWidth, 60, 140);
        }
        catch (IOException)
        {
            return 100;
        }
    }

    /// <summary>The action of <c>--help</c> (and of a bare <c>skein</c>): prints help, exit code 0.</summary>
    public sealed class Action : SynchronousCommandLineAction
    {
        /// <inheritdoc/>
        public override int Invoke(ParseResult parseResult)
        {
            Write(parseResult, Console.Out);
            return ExitCodes.Success;
        }
    }
}
