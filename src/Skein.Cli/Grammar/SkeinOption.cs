// A System.CommandLine option made from a row of the option table: it knows its row, what values it
// accepts (for one-line errors) and how its default is spelled in help ("30s", not "00:00:30"). It adds
// no parsing of its own; OptionName's builders give it its parser.
using System.CommandLine;

namespace Skein.Cli.Grammar;

/// <summary>What help and error messages need from an option, whatever its value type.</summary>
public interface ISkeinOption
{
    /// <summary>The option-table row this option was made from.</summary>
    OptionName Row { get; }

    /// <summary>What values are valid, as a phrase: "a whole number from 0 to 65535".</summary>
    string Accepted { get; }

    /// <summary>The default as the user would type it, or null when there is none to show.</summary>
    string? DefaultText { get; }
}

/// <summary>A typed option built from an <see cref="OptionName"/>.</summary>
public sealed class SkeinOption<T> : Option<T>, ISkeinOption
{
    internal SkeinOption(OptionName row, string description, string helpName, string accepted)
        : base(row.LongForm, row.ShortForm is { } letter ? [letter] : [])
    {
        Row = row;
        Description = description;
        HelpName = helpName.Length > 0 ? helpName : null;
        Accepted = accepted;
    }

    /// <inheritdoc/>
    public OptionName Row { get; }

    /// <inheritdoc/>
    public string Accepted { get; }

    /// <inheritdoc/>
    public string? DefaultText { get; set; }

    /// <summary>Sets the default value and its spelling in help; returns this option.</summary>
    public SkeinOption<T> WithDefault(T value, string text)
    {
        DefaultValueFactory = _ => value;
        DefaultText = text;
        return this;
    }

    /// <summary>The one-line error for <paramref name="text"/>: "--port 'abc': expected a whole number from 0 to 65535".</summary>
    public string Rejection(string text, string expected) => $"{Row.LongForm} '{text}': expected {expected}";
}
