// `skein lab`: option parsing for the lab (Skein.Bench.Lab) and its progress display; the lab re-runs
// this same program as `skein serve` for each model. Live progress on a terminal (never under NO_COLOR),
// plain lines otherwise. Ctrl-C stops the current server, writes what was measured so far, exits 130.
using System.CommandLine;
using System.CommandLine.Invocation;
using System.Globalization;
using System.Runtime.InteropServices;
using Skein.Bench;
using Skein.Bench.Lab;
using Skein.Bench.Lab.Report;
using Spectre.Console;

namespace Skein.Cli.Commands;

/// <summary><c>skein lab</c>: every model through the classic experiments, and a report with charts.</summary>
internal static class LabCommand
{
    /// <summary>Exit code after Ctrl-C (128 + SIGINT, the shell's convention): the report holds what was measured.</summary>
    public const int Interrupted = 130;

    public static Command Create()
    {
        var o = new LabOptions();
        var command = new Command("lab", "Run every concurrency model (and optional peers) through the classic experiments; write a report with charts, tables and results.json.");
        foreach (var option in o.All)
        {
            command.Options.Add(option);
        }
        command.Action = new LabAction(o);
        return command;
    }

    /// <summary>The options of <c>skein lab</c>.</summary>
    private sealed class LabOptions
    {
        public Option<bool> Quick { get; } = new("--quick") { Description = "Under two minutes on a 2-core machine: one round, the smallest points of each curve (CI's smoke test)." };

        public Option<bool> Full { get; } = new("--full") { Description = "The long run: five rounds, longer loads, 10,000 /io and comet clients." };

        public Option<string?> Models { get; } = new("--models", "-m") { Description = "Models to run, comma-separated (default: all seven: " + string.Join(",", ServeArguments.ModelNames) + ").", HelpName = "list" };

        public Option<string?> Workloads { get; } = new("--workloads") { Description = "Workloads to run, comma-separated (default: all: " + string.Join(",", LabWorkloads.All.Select(LabWorkloads.Name)) + ").", HelpName = "list" };

        public Option<string?> Duration { get; } = new("--duration", "-d") { Description = "Length of every timed run (static, rate, mixed) instead of the preset's: 2s, 500ms.", HelpName = "time" };

        public Option<string[]> Workers { get; } = new("--workers", "-w") { Description = "Workers for every model that takes them (-w 5: the classic course set-up), or per model: -w thread-pool=8 (repeatable). Default: each model's own.", HelpName = "n|model=n" };

        public Option<int?> Rounds { get; } = new("--rounds") { Description = "Rounds per cell (figures are medians); default: the preset's (quick 1, default 3, full 5).", HelpName = "n" };

        public Option<string[]> Peers { get; } = new("--peer") { Description = "Also measure a peer started by the lab: nginx, kestrel, or kestrel=PATH to its program (repeatable). A missing peer is reported as skipped.", HelpName = "name" };

        public Option<string[]> Targets { get; } = new("--target") { Description = "Also measure a server already running: NAME=URL (repeatable).", HelpName = "name=url" };

        public Option<string?> Output { get; } = new("--output", "-o") { Description = "Folder for the report (default: lab-YYYYMMDD-HHMMSS).", HelpName = "dir" };

        public IEnumerable<Option> All => [Quick, Full, Models, Workloads, Duration, Workers, Rounds, Peers, Targets, Output];

        /// <summary>Builds the settings; throws <see cref="ArgumentException"/> or <see cref="FormatException"/> with a one-line message.</summary>
        public LabSettings Bind(ParseResult parse, string commandLine)
        {
            bool quick = parse.GetValue(Quick), full = parse.GetValue(Full);
            if (quick && full)
            {
                throw new ArgumentException("--quick and --full are two presets; give one");
            }
            var preset = quick ? LabPreset.Quick : full ? LabPreset.Full : LabPreset.Default;
            var models = List(parse.GetValue(Models), ServeArguments.ModelNames, "model");
            var workloads = List(parse.GetValue(Workloads), [.. LabWorkloads.All.Select(LabWorkloads.Name)], "workload")
                .Select(w => LabWorkloads.TryParse(w, out var x) ? x : default).ToList();
            TimeSpan? duration = parse.GetValue(Duration) is { } d ? DurationText.Parse(d) : null;
            if (duration is { } dd && dd <= TimeSpan.Zero)
            {
                throw new ArgumentException("--duration must be positive");
            }
            var workers = ParseWorkers(parse.GetValue(Workers) ?? []);
            var targets = new List<LabTarget>();
            foreach (var model in models)
            {
                // single and thread take no -w (serve ignores it); recording none keeps the report honest.
                int? w = model is "single" or "thread" ? null : workers.TryGetValue(model, out int n) ? n : workers.GetValueOrDefault("*") is > 0 and var all ? all : null;
                targets.Add(new LabTarget(model, LabTargetKind.Skein) { Workers = w });
            }
            foreach (var peer in parse.GetValue(Peers) ?? [])
            {
                targets.Add(Peer(peer));
            }
            foreach (var target in parse.GetValue(Targets) ?? [])
            {
                int eq = target.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new ArgumentException($"--target '{target}' is not NAME=URL (e.g. --target apache=http://127.0.0.1:8080/)");
                }
                targets.Add(new LabTarget(target[..eq], LabTargetKind.External) { Url = TargetUrl.Parse(target[(eq + 1)..]) });
            }
            var cells = LabPlan.Cells(preset, duration).Where(c => workloads.Contains(c.Workload)).ToList();
            return new LabSettings
            {
                Skein = SkeinExecutable.Current(),
                Preset = preset,
                Targets = targets,
                Workloads = workloads,
                Cells = cells,
                Rounds = parse.GetValue(Rounds) ?? LabPlan.Rounds(preset),
                OutputFolder = Path.GetFullPath(parse.GetValue(Output) ?? LabReport.DefaultFolder(DateTime.Now)),
                WarmUp = preset == LabPreset.Quick ? TimeSpan.FromSeconds(0.5) : TimeSpan.FromSeconds(1),
                CommandLine = commandLine,
            }.Validate();
        }

        private static List<string> List(string? text, IReadOnlyList<string> known, string what)
        {
            if (text is null)
            {
                return [.. known];
            }
            var list = new List<string>();
            foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var match = known.FirstOrDefault(k => string.Equals(k, item, StringComparison.OrdinalIgnoreCase))
                    ?? throw new ArgumentException($"'{item}' is not a {what}; use one of: {string.Join(", ", known)}");
                if (!list.Contains(match))
                {
                    list.Add(match);
                }
            }
            return list.Count > 0 ? list : throw new ArgumentException($"no {what} given");
        }

        private static Dictionary<string, int> ParseWorkers(string[] values)
        {
            var workers = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var value in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                int eq = value.IndexOf('=', StringComparison.Ordinal);
                string model = eq < 0 ? "*" : value[..eq];
                string count = eq < 0 ? value : value[(eq + 1)..];
                if (model != "*" && !ServeArguments.ModelNames.Contains(model))
                {
                    throw new ArgumentException($"--workers: '{model}' is not a model; use one of: {string.Join(", ", ServeArguments.ModelNames)}");
                }
                if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
                {
                    throw new ArgumentException($"--workers: '{count}' is not a positive number");
                }
                workers[model] = n;
            }
            return workers;
        }

        private static LabTarget Peer(string text)
        {
            int eq = text.IndexOf('=', StringComparison.Ordinal);
            string name = (eq < 0 ? text : text[..eq]).ToLowerInvariant();
            string? path = eq < 0 ? null : text[(eq + 1)..];
            switch (name)
            {
                case "nginx":
                    return new LabTarget("nginx", LabTargetKind.Nginx) { SkipReason = PeerFiles.NginxMissing() };
                case "kestrel":
                    var program = PeerFiles.FindKestrel(path);
                    return new LabTarget("kestrel", LabTargetKind.Kestrel)
                    {
                        Program = program,
                        SkipReason = program is null
                            ? path is null ? "the Kestrel peer is not built (dotnet build benchmarks/KestrelPeer -c Release), or give --peer kestrel=PATH" : $"no Kestrel peer program at {path}"
                            : null,
                    };
                default:
                    throw new ArgumentException($"--peer '{name}' is not a peer the lab can start; use nginx or kestrel (or --target NAME=URL for a running server)");
            }
        }
    }

    private sealed class LabAction(LabOptions options) : AsynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default)
        {
            if (parseResult.Errors.Count > 0)
            {
                return Usage(parseResult.Errors[0].Message);
            }
            if (parseResult.UnmatchedTokens.Count > 0)
            {
                return Usage($"unknown option or argument '{parseResult.UnmatchedTokens[0]}' (see skein lab --help)");
            }
            LabSettings settings;
            try
            {
                settings = options.Bind(parseResult, "skein " + string.Join(' ', parseResult.Tokens.Select(t => t.Value)));
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                return Usage(e.Message.Split(" (Parameter")[0]);
            }

            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
            Console.CancelKeyPress += onCancel;
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cancel.Cancel(); });
            try
            {
                bool live = AnsiConsole.Profile.Capabilities.Interactive && Environment.GetEnvironmentVariable("NO_COLOR") is null;
                Console.WriteLine($"skein lab: {settings.Targets.Count} servers x {settings.Cells.Count} cells x {settings.Rounds} rounds ({settings.Preset.ToString().ToLowerInvariant()}); report in {settings.OutputFolder}");
                var results = live ? await RunLiveAsync(settings, cancel.Token) : await LabRunner.RunAsync(settings, p => Console.WriteLine(Plain(p)), cancel.Token);
                var charts = LabReport.Write(results);
                Console.WriteLine($"skein lab: wrote {Path.Combine(settings.OutputFolder, "index.html")}, benchmark.md, results.json and {charts.Count} charts"
                    + (results.Completed ? "" : " (interrupted: what was measured so far)"));
                return results.Completed ? 0 : Interrupted;
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"skein lab: {e.Message}");
                return 1;
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
                        task.Description = Markup.Escape($"round {p.Round}/{p.Rounds} {p.Target}: {p.Cell ?? "…"} (~{p.Remaining.TotalMinutes:0.0} min left)");
                        if (p.Cell is not null && p.Message.Contains(": ", StringComparison.Ordinal) && p.Message.Split(": ").Length > 2)
                        {
                            AnsiConsole.MarkupLine(Markup.Escape(Plain(p)));
                        }
                    }, cancel);
                });
            return results!;
        }

        private static string Plain(LabProgress p) => string.Create(CultureInfo.InvariantCulture, $"[round {p.Round}/{p.Rounds} {p.Fraction * 100,3:0}%] {p.Message}");

        private static int Usage(string message)
        {
            Console.Error.WriteLine($"skein lab: {message}");
            return 2;
        }
    }
}
