// `skein lab`: option parsing for the lab (Skein.Bench.Lab) and its progress display; the lab re-runs
// this same program as `skein serve` for each model. Options come from the one option table (Grammar/):
// -m is the model (a list here), -w the workers, -d the duration, as in every other command. Live progress
// on a terminal (never under NO_COLOR), plain lines otherwise. Ctrl-C or SIGTERM stops the current
// server, writes what was measured so far and exits 130.
using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Skein.Bench;
using Skein.Bench.Lab;
using Skein.Bench.Lab.Report;
using Skein.Cli.Grammar;
using Skein.Server;
using Skein.Server.Models;
using Spectre.Console;

namespace Skein.Cli.Commands;

/// <summary><c>skein lab</c>: every model through the classic experiments, and a report with charts.</summary>
internal static class LabCommand
{
    /// <summary>Exit code after Ctrl-C (128 + SIGINT, the shell's convention): the report holds what was measured.</summary>
    public const int Interrupted = 130;

    private static readonly string[] ModelNames = [.. Enum.GetValues<ConcurrencyModel>().Select(ServerHost.ModelName)];
    private static readonly string[] WorkloadNames = [.. LabWorkloads.All.Select(LabWorkloads.Name)];

    public static Command Create()
    {
        var quick = OptionTable.Quick.Flag("Under two minutes on a 2-core machine: one round, the smallest point of each curve (CI's smoke test).");
        var full = OptionTable.Full.Flag("The long run: five rounds, longer loads, 10,000 /io and comet clients.");
        var models = OptionTable.Model.Text(string.Join(",", ModelNames), "Models to run, comma-separated.", "list",
            "models separated by commas, from " + string.Join(", ", ModelNames), text => IsList(text, ModelNames));
        models.Aliases.Add("--models");
        var workloads = OptionTable.Workloads.Text(string.Join(",", WorkloadNames), "Workloads to run, comma-separated.", "list",
            "workloads separated by commas, from " + string.Join(", ", WorkloadNames), text => IsList(text, WorkloadNames));
        var duration = OptionTable.Duration.Text(null, "Length of every timed run (static, rate, mixed) instead of the preset's.", "duration",
            "a duration " + Units.DurationExamples, text => Units.TryParseDuration(text, TimeSpan.FromSeconds(1), out var d) && d > TimeSpan.Zero && d <= OptionName.MaxDuration);
        var workers = OptionTable.Workers.Repeated("Workers for every model that takes them (-w 5: the classic course set-up), or for one model: -w thread-pool=8 (repeatable). Default: each model's own.",
            "n|model=n", "a count, or model=count", IsWorkers);
        var rounds = OptionTable.Rounds.OptionalCount("Rounds per cell; each figure is their median. Default: the preset's (quick 1, default 3, full 5).");
        var peers = OptionTable.Peer.Repeated("Also measure a peer the lab starts: nginx, kestrel, or kestrel=PATH to its program (repeatable). A missing peer is reported as skipped.",
            "name", "nginx, kestrel or kestrel=PATH", text => text == "nginx" || text == "kestrel" || text.StartsWith("kestrel=", StringComparison.Ordinal));
        var targets = OptionTable.Target.Repeated("Also measure a server already running: NAME=URL (repeatable).", "name=url", "NAME=http://host:port/",
            text => text.IndexOf('=', StringComparison.Ordinal) is > 0 and var eq && TargetUrl.TryParse(text[(eq + 1)..], out _));
        var output = OptionTable.Output.Text(null, "Folder for the report. Default: lab-YYYYMMDD-HHMMSS.", "dir");

        var command = new Command("lab", "Run every concurrency model (and optional peers) through the classic experiments; write a report with charts, tables and results.json.")
        {
            quick, full, models, workloads, duration, workers, rounds, peers, targets, output,
        };
        command.SetAction(async (parse, _) =>
        {
            if (parse.GetValue(quick) && parse.GetValue(full))
            {
                return Complaint.Usage(parse, "--quick and --full are two presets; give one");
            }
            var preset = parse.GetValue(quick) ? LabPreset.Quick : parse.GetValue(full) ? LabPreset.Full : LabPreset.Default;
            TimeSpan? length = parse.GetValue(duration) is { } d && Units.TryParseDuration(d, TimeSpan.FromSeconds(1), out var span) ? span : null;
            var chosen = Split(parse.GetValue(models)!, ModelNames);
            var perModel = Workers(parse.GetValue(workers) ?? []);
            var list = new List<LabTarget>();
            foreach (var model in chosen)
            {
                // single and thread take no -w (serve ignores it); recording none keeps the report honest.
                int? w = model is "single" or "thread" ? null : perModel.TryGetValue(model, out int n) ? n : perModel.TryGetValue("*", out int all) ? all : null;
                list.Add(new LabTarget(model, LabTargetKind.Skein) { Workers = w });
            }
            list.AddRange((parse.GetValue(peers) ?? []).Select(Peer));
            foreach (var target in parse.GetValue(targets) ?? [])
            {
                // Checked by the option's parser: NAME=URL with an http URL.
                int eq = target.IndexOf('=', StringComparison.Ordinal);
                if (TargetUrl.TryParse(target[(eq + 1)..], out var url))
                {
                    list.Add(new LabTarget(target[..eq], LabTargetKind.External) { Url = url });
                }
            }
            var chosenWorkloads = Split(parse.GetValue(workloads)!, WorkloadNames).Select(w => LabWorkloads.TryParse(w, out var x) ? x : default).ToList();
            LabSettings settings;
            try
            {
                settings = new LabSettings
                {
                    Skein = SkeinExecutable.Current(),
                    Preset = preset,
                    Targets = list,
                    Workloads = chosenWorkloads,
                    Cells = [.. LabPlan.Cells(preset, length).Where(c => chosenWorkloads.Contains(c.Workload))],
                    Rounds = parse.GetValue(rounds) ?? LabPlan.Rounds(preset),
                    OutputFolder = Path.GetFullPath(parse.GetValue(output) ?? LabReport.DefaultFolder(DateTime.Now)),
                    WarmUp = preset == LabPreset.Quick ? TimeSpan.FromSeconds(0.5) : TimeSpan.FromSeconds(1),
                    CommandLine = "skein " + string.Join(' ', parse.Tokens.Select(t => t.Value)),
                }.Validate();
            }
            catch (ArgumentException e)
            {
                return Complaint.Usage(parse, e.Message.Split(" (Parameter", 2)[0]);
            }
            return await RunAsync(parse, settings);
        });
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, LabSettings settings)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cancel.Cancel(); });
        try
        {
            bool live = AnsiConsole.Profile.Capabilities.Interactive && Environment.GetEnvironmentVariable("NO_COLOR") is null;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"skein lab: {settings.Targets.Count} servers x {settings.Cells.Count} cells x {settings.Rounds} rounds ({settings.Preset.ToString().ToLowerInvariant()}); report in {settings.OutputFolder}"));
            var results = live
                ? await RunLiveAsync(settings, cancel.Token)
                : await LabRunner.RunAsync(settings, p => Console.WriteLine(Plain(p)), cancel.Token);
            var charts = LabReport.Write(results);
            Console.WriteLine($"skein lab: wrote {Path.Combine(settings.OutputFolder, "index.html")}, benchmark.md, results.json and {charts.Count} charts"
                + (results.Completed ? "" : " (interrupted: what was measured so far)"));
            return results.Completed ? ExitCodes.Success : Interrupted;
        }
        catch (IOException e)
        {
            return Complaint.Failure(parse, e.Message);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task<LabResults> RunLiveAsync(LabSettings settings, CancellationToken cancel)
    {
        LabResults? results = null;
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("starting", maxValue: 1);
                results = await LabRunner.RunAsync(settings, p =>
                {
                    task.Value = p.Fraction;
                    task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                        $"round {p.Round}/{p.Rounds} {p.Target}: {p.Cell ?? "..."} (~{p.Remaining.TotalMinutes:0.0} min left)"));
                    AnsiConsole.MarkupLine(Markup.Escape(p.Message));
                }, cancel);
            });
        return results!;
    }

    private static string Plain(LabProgress p) => string.Create(CultureInfo.InvariantCulture, $"[round {p.Round}/{p.Rounds} {p.Fraction * 100,3:0}%] {p.Message}");

    private static bool IsList(string text, string[] known)
    {
        var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length > 0 && items.All(i => known.Contains(i, StringComparer.OrdinalIgnoreCase));
    }

    private static List<string> Split(string text, string[] known) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(i => known.First(k => string.Equals(k, i, StringComparison.OrdinalIgnoreCase))).Distinct()];

    private static bool IsWorkers(string text)
    {
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        string count = eq < 0 ? text : text[(eq + 1)..];
        return (eq < 0 || ModelNames.Contains(text[..eq]))
            && int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1;
    }

    /// <summary>"5" → every model 5 ("*"); "thread-pool=8" → that model 8.</summary>
    private static Dictionary<string, int> Workers(string[] values)
    {
        var workers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            int eq = value.IndexOf('=', StringComparison.Ordinal);
            workers[eq < 0 ? "*" : value[..eq]] = int.Parse(eq < 0 ? value : value[(eq + 1)..], CultureInfo.InvariantCulture);
        }
        return workers;
    }

    private static LabTarget Peer(string text)
    {
        if (text == "nginx")
        {
            return new LabTarget("nginx", LabTargetKind.Nginx) { SkipReason = PeerFiles.NginxMissing() };
        }
        string? path = text.StartsWith("kestrel=", StringComparison.Ordinal) ? text["kestrel=".Length..] : null;
        var program = PeerFiles.FindKestrel(path);
        return new LabTarget("kestrel", LabTargetKind.Kestrel)
        {
            Program = program,
            SkipReason = program is not null ? null
                : path is null ? "the Kestrel peer is not built (dotnet build benchmarks/KestrelPeer -c Release), or give --peer kestrel=PATH"
                : $"no Kestrel peer program at {path}",
        };
    }
}
