// The one option grammar, checked on the real command tree (hidden commands included): a letter means one
// thing in every command, every option is a row of the option table, and the table itself has one row
// per name and per letter. A new command or option that breaks the grammar fails here, not in a user's hands.
using System.CommandLine;
using System.Reflection;
using Skein.Cli;
using Skein.Cli.Grammar;

namespace Skein.Server.Tests.Cli;

public sealed class OptionGrammarTests
{
    [Fact]
    public void No_letter_has_two_meanings_in_any_command()
    {
        var meanings = new Dictionary<char, HashSet<string>>();
        foreach (var (path, option) in EveryOption())
        {
            foreach (var letter in Letters(option))
            {
                if (!meanings.TryGetValue(letter, out var names))
                {
                    meanings[letter] = names = [];
                }
                names.Add($"{option.Name} ({path})");
            }
        }
        var clashes = meanings
            .Where(m => m.Value.Select(n => n.Split(' ')[0]).Distinct().Count() > 1)
            .Select(m => $"-{m.Key}: {string.Join(", ", m.Value)}")
            .ToList();
        Assert.True(clashes.Count == 0, "letters with two meanings:\n" + string.Join('\n', clashes));
    }

    [Fact]
    public void Every_option_of_every_command_is_a_row_of_the_option_table_with_its_letter()
    {
        var problems = new List<string>();
        foreach (var (path, option) in EveryOption())
        {
            var row = OptionTable.Find(option.Name.TrimStart('-'));
            if (row is null)
            {
                problems.Add($"{path} {option.Name}: not in OptionTable");
                continue;
            }
            var letters = Letters(option).ToList();
            var expected = row.Letter is { } l ? new List<char> { l } : [];
            if (!letters.SequenceEqual(expected))
            {
                problems.Add($"{path} {option.Name}: letters [{string.Join(",", letters)}], the table says [{string.Join(",", expected)}]");
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void The_table_has_one_row_per_name_and_per_letter_and_lists_them_all()
    {
        var fields = typeof(OptionTable).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(OptionName))
            .Select(f => (OptionName)f.GetValue(null)!)
            .ToList();
        Assert.Equal(fields.Count, OptionTable.All.Count);
        Assert.All(fields, row => Assert.Contains(row, OptionTable.All));
        Assert.Equal(OptionTable.All.Count, OptionTable.All.Select(r => r.Name).Distinct().Count());
        var letters = OptionTable.All.Where(r => r.Letter is not null).Select(r => r.Letter).ToList();
        Assert.Equal(letters.Count, letters.Distinct().Count());
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("bench")]
    [InlineData("probe")]
    [InlineData("comet")]
    [InlineData("send")]
    [InlineData("lab")]
    public void Every_command_can_be_found_and_has_help(string name)
    {
        var command = Assert.Single(SkeinCommand.Build().Subcommands, c => c.Name == name);
        Assert.False(string.IsNullOrWhiteSpace(command.Description));
        Assert.All(command.Options.Where(o => !o.Hidden), o => Assert.False(string.IsNullOrWhiteSpace(o.Description), o.Name));
    }

    // Every option each command accepts, its own and those it inherits (help), hidden commands included.
    private static IEnumerable<(string Path, Option Option)> EveryOption()
    {
        var root = SkeinCommand.Build();
        var stack = new Stack<(Command Command, string Path, List<Option> Inherited)>();
        stack.Push((root, "skein", []));
        while (stack.Count > 0)
        {
            var (command, path, inherited) = stack.Pop();
            foreach (var option in command.Options.Concat(inherited))
            {
                yield return (path, option);
            }
            var passed = inherited.Concat(command.Options.Where(o => o.Recursive)).ToList();
            foreach (var sub in command.Subcommands)
            {
                stack.Push((sub, $"{path} {sub.Name}", passed));
            }
        }
    }

    // The short forms: "-p" gives 'p'. System.CommandLine's "-?", "/h" and "/?" for help are not letters.
    private static IEnumerable<char> Letters(Option option)
        => option.Aliases.Append(option.Name)
            .Where(a => a.Length == 2 && a[0] == '-' && char.IsAsciiLetter(a[1]))
            .Select(a => a[1])
            .Distinct()
            .Order();
}
