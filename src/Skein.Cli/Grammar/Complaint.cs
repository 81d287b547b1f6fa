// How a skein command complains: one line on stderr, "skein serve: --port 'abc': expected a whole number
// from 0 to 65535", and an exit code (2 for the command line, 1 for a failure at run time). It also turns
// System.CommandLine's own parse errors (unknown option, missing value, a value given twice, a type it
// could not convert) into that shape, so no .NET type name or usage dump ever reaches the user.
using System.CommandLine;
using System.CommandLine.Parsing;

namespace Skein.Cli.Grammar;

/// <summary>One-line errors and their exit codes.</summary>
public static class Complaint
{
    /// <summary>Writes "skein CMD: <paramref name="message"/>" to stderr; returns <see cref="ExitCodes.Usage"/>.</summary>
    public static int Usage(ParseResult parse, string message) => Write(parse, message, ExitCodes.Usage);

    /// <summary>Writes "skein CMD: <paramref name="message"/>" to stderr; returns <see cref="ExitCodes.Failure"/>.</summary>
    public static int Failure(ParseResult parse, string message) => Write(parse, message, ExitCodes.Failure);

    /// <summary>"skein serve": the program and the command that was run.</summary>
    public static string CommandPath(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var names = new List<string>();
        for (SymbolResult? result = parse.CommandResult; result is not null; result = result.Parent)
        {
            if (result is CommandResult command)
            {
                names.Add(command.Command is RootCommand ? HelpText.ProgramName : command.Command.Name);
            }
        }
        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>The first thing wrong with the command line, as one line without the program name; null if
    /// nothing is.</summary>
    public static string? Describe(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var command = parse.CommandResult.Command;
        if (parse.UnmatchedTokens.Count > 0)
        {
            var token = parse.UnmatchedTokens[0];
            return token.StartsWith('-') ? $"unknown option '{token}' ({CommandPath(parse)} --help lists them)"
                : command is RootCommand ? $"unknown command '{token}'; the commands are {string.Join(", ", HelpText.VisibleCommands(command).Select(c => c.Name))}"
                : $"unexpected argument '{token}' (usage: {HelpText.Usage(parse)})";
        }
        return parse.Errors.Count > 0 ? Describe(parse, parse.Errors[0]) : null;
    }

    private static string Describe(ParseResult parse, ParseError error)
    {
        switch (error.SymbolResult)
        {
            case OptionResult option:
                return Describe(option, error.Message);
            case ArgumentResult { Parent: OptionResult option }:
                return Describe(option, error.Message);
            case ArgumentResult { Tokens.Count: 0 } argument:
                return $"missing {argument.Argument.Name.ToUpperInvariant()} (usage: {HelpText.Usage(parse)})";
            case ArgumentResult argument:
                // Our argument parsers write the whole line; a plain Argument<T> without one gets a generic phrase.
                return argument.Argument is CommandArguments.IOwnErrors ? error.Message
                    : CommandArguments.Rejection(argument.Argument.Name, argument.Tokens[0].Value, Expected(argument.Argument.ValueType));
            case CommandResult command:
                if (command.Command.Arguments.FirstOrDefault(a => IsMissing(command, a)) is { } missing)
                {
                    return $"missing {missing.Name.ToUpperInvariant()} (usage: {HelpText.Usage(parse)})";
                }
                if (command.Command.Options.FirstOrDefault(o => o.Required && command.GetResult(o) is null) is { } required)
                {
                    return $"missing {required.Name}";
                }
                return error.Message;
            default:
                return error.Message;
        }
    }

    private static string Describe(OptionResult result, string message)
    {
        var option = result.Option;
        var accepted = option is ISkeinOption skein ? skein.Accepted : Expected(option.ValueType);
        if (result.IdentifierToken is null)
        {
            return $"missing {option.Name} ({accepted})";
        }
        if (result.Tokens.Count == 0)
        {
            return $"{option.Name} needs a value: {accepted}";
        }
        if (result.Tokens.Count > 1 && option.Arity.MaximumNumberOfValues == 1)
        {
            return $"{option.Name} is given {result.Tokens.Count} times; give it once";
        }
        // Our options' parsers write the whole line; an option made without them gets a generic phrase.
        return option is ISkeinOption ? message : $"{option.Name} '{result.Tokens[0].Value}': expected {accepted}";
    }

    private static bool IsMissing(CommandResult command, Argument argument)
        => argument.Arity.MinimumNumberOfValues > 0
           && (command.GetResult(argument)?.Tokens.Count ?? 0) < argument.Arity.MinimumNumberOfValues;

    // What a value of a type looks like, for options and arguments not built through OptionName.
    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(int) || type == typeof(long) ? "a whole number"
            : type == typeof(double) ? "a number"
            : type == typeof(bool) ? "true or false"
            : "a value";
    }

    private static int Write(ParseResult parse, string message, int code)
    {
        Console.Error.WriteLine($"{CommandPath(parse)}: {message}");
        return code;
    }
}
