// `skein bench URL`: option parsing for the load generator (Skein.Bench.Load) and the choice of rendering
// (BenchReport): tables and a live bar on a terminal, plain lines for pipes and files, or JSON. No
// measuring happens here.
using System.CommandLine;
using System.Globalization;
using Skein.Bench;
using Skein.Bench.Latency;
using Skein.Bench.Load;
using Skein.Bench.Reports;
using Skein.Cli.Grammar;
using Spectre.Console;

namespace Skein.Cli.Commands;

/// <summary><c>skein bench</c>: wrk/wrk2-style HTTP load with corrected latency percentiles.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var defaults = new LoadSettings { Url = new Uri("http://127.0.0.1/") };
        var url = CommandArguments.Url("url", "http:// URL to request (GET).");
        var connections = OptionTable.Connections.Count(defaults.Connections, "Connections to keep open (wrk's default).");
        var threads = OptionTable.Threads.Count(defaults.Threads, "Load threads, each driving its share of the connections (wrk's default).");
        var duration = OptionTable.Duration.Duration(defaults.Duration, "How long to run (wrk's default).");
        var rate = OptionTable.Rate.PositiveNumber("Constant total rate in requests/s; latency is measured from each request's scheduled time. Without it: as fast as possible.", "requests/s");
        var close = OptionTable.Close.Flag("New connection per request (Connection: close) instead of keep-alive.");
        var headers = OptionTable.Header.Repeated("Extra request header 'Name: value' (repeatable).", "header",
            "a header line 'Name: value'", LoadSettings.IsHeaderLine);
        var timeout = OptionTable.Timeout.Duration(defaults.Timeout, "A request without a response after this long is a timeout (wrk's default).");
        var json = OptionTable.Json.Flag("Print the result as JSON (schema in docs/tools.md). Without it: tables on a terminal, 'key: value' lines otherwise.");
        var hgrm = OptionTable.Hgrm.Text(null, "Also write the latency percentile distribution to FILE in wrk2's .hgrm format (milliseconds), for HdrHistogram's plotter.", "FILE");

        var command = new Command("bench", "Load an HTTP/1.1 server like wrk (or wrk2 with -R) and report requests/s and latency percentiles.")
        {
            url, connections, threads, duration, rate, close, headers, timeout, json, hgrm,
        };
        command.SetAction(async (parse, _) =>
        {
            var settings = new LoadSettings
            {
                Url = parse.GetValue(url)!,
                Connections = parse.GetValue(connections),
                Threads = parse.GetValue(threads),
                Duration = parse.GetValue(duration),
                Rate = parse.GetValue(rate),
                KeepAlive = !parse.GetValue(close),
                Headers = parse.GetValue(headers) ?? [],
                Timeout = parse.GetValue(timeout),
            };
            if (settings.Connections < settings.Threads)
            {
                return Complaint.Usage(parse, string.Create(CultureInfo.InvariantCulture,
                    $"--connections '{settings.Connections}': expected at least as many as --threads ({settings.Threads}), one connection per thread or more"));
            }
            try
            {
                settings.Validate();
            }
            catch (ArgumentException e)
            {
                // The message without the " (Parameter 'X')" suffix: the user typed an option, not a parameter.
                return Complaint.Usage(parse, e.Message.Split(" (Parameter", 2)[0]);
            }
            // Like wrk: a target that does not accept a connection is reported now, not after a run of failures.
            if (await Preflight.ConnectProblemAsync(settings.Url, settings.Timeout) is { } unreachable)
            {
                return Complaint.Failure(parse, unreachable);
            }

            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
            Console.CancelKeyPress += onCancel;
            try
            {
                var result = Run(settings, parse.GetValue(json) ? null : Terminal.Stdout, cancel.Token);
                if (parse.GetValue(hgrm) is { } hgrmPath)
                {
                    LatencyHistograms.WriteHgrm(result.Latency, hgrmPath);
                }
                if (BenchReport.RateShortfall(result) is { } shortfall)
                {
                    await Console.Error.WriteLineAsync($"{Complaint.CommandPath(parse)}: warning: {shortfall}");
                }
                return BenchReport.Succeeded(result) > 0 ? ExitCodes.Success : Complaint.Failure(parse, BenchReport.NothingSucceeded(result));
            }
            catch (System.Net.Sockets.SocketException e)
            {
                return Complaint.Failure(parse, $"cannot resolve {settings.Url.Host}: {e.Message}");
            }
            catch (IOException e)
            {
                return Complaint.Failure(parse, e.Message);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        });
        return command;
    }

    // Runs the load and writes the report in the form `output` calls for (null: JSON).
    private static LoadResult Run(LoadSettings settings, OutputKind? output, CancellationToken cancel)
    {
        switch (output)
        {
            case null:
            {
                var result = LoadGenerator.Run(settings, null, cancel);
                using var stdout = Console.OpenStandardOutput();
                BenchReport.WriteJson(result, stdout);
                return result;
            }
            case OutputKind.Pipe:
            {
                BenchReport.WriteSettingsLines(settings, Console.Out);
                var result = LoadGenerator.Run(settings, new ProgressLines(Console.Error).Report, cancel);
                BenchReport.WriteResultLines(result, Console.Out);
                return result;
            }
            case OutputKind.PlainTerminal:
            {
                var console = Terminal.Console(OutputKind.PlainTerminal);
                BenchReport.WriteHeading(settings, console);
                var result = LoadGenerator.Run(settings, new ProgressLines(Console.Error).Report, cancel);
                BenchReport.WriteTable(result, console);
                return result;
            }
            default:
            {
                var console = Terminal.Console(OutputKind.AnsiTerminal);
                BenchReport.WriteHeading(settings, console);
                var result = WithProgressBar(settings, console, cancel);
                BenchReport.WriteTable(result, console);
                return result;
            }
        }
    }

    private static LoadResult WithProgressBar(LoadSettings settings, IAnsiConsole console, CancellationToken cancel)
    {
        LoadResult? result = null;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("requests: 0", maxValue: settings.Duration.TotalSeconds);
                result = LoadGenerator.Run(settings, p =>
                {
                    task.Value = Math.Min(p.Elapsed.TotalSeconds, settings.Duration.TotalSeconds);
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"requests: {p.Requests:N0}  errors: {p.Errors:N0}");
                }, cancel);
                task.Value = task.MaxValue;
            });
        return result!;
    }
}
