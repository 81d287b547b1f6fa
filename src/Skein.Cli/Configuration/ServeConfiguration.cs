// The settings `skein serve` runs with: its command line over its configuration file (--config) over the
// defaults. Loaded once at start and again on every SIGHUP: the file is read again, the command line stays
// what it was, so an option given on the command line keeps winning. Each key of the file is checked by its
// own option's parser first, so a bad value is refused with the key's name; then the file's keys that the
// command line does not give are added to the command line as options and the whole is parsed as one.
// It decides nothing about what a reload may change (the server does).
using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using Skein.App;
using Skein.Cli.Grammar;
using Skein.Cli.Workers;
using Skein.Server;
using Skein.Server.Lifecycle;

namespace Skein.Cli.Configuration;

/// <summary>What <c>skein serve</c> serves and how, as loaded.</summary>
public sealed record ServeSettings(ServerOptions Server, SiteOptions Site);

/// <summary>Why settings could not be loaded: one line, and whether it is the user's input (exit code 2) or
/// the machine (a file that cannot be read, a missing folder: exit code 1).</summary>
public sealed record LoadProblem(string Message, bool IsUsage)
{
    /// <summary>The exit code at start.</summary>
    public int ExitCode => IsUsage ? ExitCodes.Usage : ExitCodes.Failure;
}

/// <summary>The command line of <c>skein serve</c> and its configuration file, loadable again and again.</summary>
public sealed class ServeConfiguration
{
    private readonly ServeArguments _arguments;
    private readonly Command _root;
    private readonly Command _serve;
    private readonly IReadOnlyList<string> _commandLine;
    private readonly HashSet<Option> _given;

    /// <summary>Remembers <paramref name="commandLine"/> (already parsed without error) and the file it names.</summary>
    public ServeConfiguration(ServeArguments arguments, ParseResult commandLine)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(commandLine);
        _arguments = arguments;
        _root = commandLine.RootCommandResult.Command;
        _serve = commandLine.CommandResult.Command;
        _commandLine = [.. commandLine.Tokens.Select(t => t.Value)];
        _given = [.. arguments.All.Where(o => commandLine.GetResult(o) is { Implicit: false })];
        var file = commandLine.GetValue(arguments.Config);
        ConfigPath = file is null ? null : Path.GetFullPath(file); // SIGHUP reads the same file wherever the cwd is then
    }

    /// <summary>The configuration file, or null when there is none.</summary>
    public string? ConfigPath { get; }

    /// <summary>Reads the configuration file (if any) and builds the settings; false with the problem.</summary>
    public bool TryLoad([NotNullWhen(true)] out ServeSettings? settings, [NotNullWhen(false)] out LoadProblem? problem)
    {
        settings = null;
        List<string> arguments = [.. _commandLine];
        if (ConfigPath is not null)
        {
            if (!TryReadFile(out var entries, out problem))
            {
                return false;
            }
            foreach (var entry in entries.Where(e => !_given.Contains(e.Option)))
            {
                arguments.AddRange(entry.Tokens);
            }
        }
        var merged = _root.Parse(arguments);
        if (Complaint.Describe(merged) is { } mistake)
        {
            problem = new LoadProblem(mistake, IsUsage: true); // the file's values were checked one by one; not expected
            return false;
        }
        try
        {
            settings = new ServeSettings(_arguments.BindServer(merged), _arguments.BindSite(merged));
        }
        catch (ArgumentException e)
        {
            // Only when ServeArguments' checks and the records' Validate disagree: say it plainly anyway.
            problem = new LoadProblem(e.Message.Split(" (Parameter", 2)[0], IsUsage: true);
            return false;
        }
        if (FolderProblem(settings.Site.Root) is { } folder)
        {
            settings = null;
            problem = new LoadProblem(folder, IsUsage: false);
            return false;
        }
        problem = null;
        return true;
    }

    // The file's keys, each value checked by its own option so that an error names the file and the key:
    // "skein.json: "port" 'abc': expected a whole number from 0 to 65535".
    private bool TryReadFile([NotNullWhen(true)] out IReadOnlyList<ConfigEntry>? entries, [NotNullWhen(false)] out LoadProblem? problem)
    {
        var path = ConfigPath!;
        var name = Path.GetFileName(path);
        var keys = _arguments.All.Where(o => o != _arguments.Config).ToList();
        try
        {
            if (!ConfigFile.TryRead(path, keys, out entries, out var error))
            {
                problem = new LoadProblem(error, IsUsage: true);
                return false;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            entries = null;
            problem = new LoadProblem($"cannot read the configuration file {path}: {e.Message}", IsUsage: false);
            return false;
        }
        foreach (var entry in entries)
        {
            if (Complaint.Describe(_serve.Parse(entry.Tokens)) is { } mistake)
            {
                var form = "--" + entry.Key;
                var said = mistake.StartsWith(form, StringComparison.Ordinal) ? mistake[form.Length..] : ": " + mistake;
                problem = new LoadProblem($"{name}: \"{entry.Key}\"{said}", IsUsage: true);
                return false;
            }
        }
        problem = null;
        return true;
    }

    /// <summary>What the server reads again on SIGHUP: these settings, loaded anew, compared with
    /// <paramref name="running"/> (the application's options are not the server's to compare).</summary>
    public IConfigurationSource ForReload(ServeSettings running)
    {
        ArgumentNullException.ThrowIfNull(running);
        return new ReloadSource(this, running.Site);
    }

    private sealed class ReloadSource(ServeConfiguration configuration, SiteOptions runningSite) : IConfigurationSource
    {
        public bool TryLoad([NotNullWhen(true)] out ServerConfiguration? loaded, [NotNullWhen(false)] out string? problem)
        {
            if (!configuration.TryLoad(out var settings, out var refused))
            {
                (loaded, problem) = (null, refused.Message);
                return false;
            }
            var site = settings.Site;
            loaded = new ServerConfiguration(settings.Server, site != runningSite, options => WorkerPrograms.For(options, site));
            problem = null;
            return true;
        }
    }

    private static string? FolderProblem(string folder) =>
        Directory.Exists(folder) ? null
        : File.Exists(folder) ? $"--folder '{folder}' is a file; give the folder to serve (e.g. -f www)"
        : $"--folder '{folder}' does not exist; give the folder to serve (e.g. -f www)";
}
