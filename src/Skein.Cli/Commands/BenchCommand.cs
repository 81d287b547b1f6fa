// `skein bench URL`: option parsing for the load generator (Skein.Bench.Load) and its two renderings. No
// measuring happens here.
using System.CommandLine;
using System.Globalization;
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
        var json = OptionTable.Json.Flag("Print the result as JSON (schema in docs/tools.md) instead of tables.");
        var hgrm = OptionTable.Hgrm.Text(null, "Also write the latency percentile distribution to FILE in wrk2's .hgrm format (milliseconds), for HdrHistogram's plotter.", "FILE");

        var command = new Command("bench", "Load an HTTP/1.1 server like wrk (or wrk2 with -R) and report requests/s and latency percentiles.")
        {
            url, connections, threads, duration, rate, close, headers, timeout, json, hgrm,
        };
        command.SetAction(parse =>
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

            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
            Console.CancelKeyPress += onCancel;
            try
            {
                LoadResult result;
                if (parse.GetValue(json))
                {
                    result = LoadGenerator.Run(settings, null, cancel.Token);
                    using var stdout = Console.OpenStandardOutput();
                    BenchReport.WriteJson(result, stdout);
                }
                else
                {
                    result = RunWithProgress(settings, cancel.Token);
                    BenchReport.WriteTable(result, AnsiConsole.Console);
                }
                if (parse.GetValue(hgrm) is { } hgrmPath)
                {
                    LatencyHistograms.WriteHgrm(result.Latency, hgrmPath);
                }
                return ExitCodes.Success;
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

    private static LoadResult RunWithProgress(LoadSettings settings, CancellationToken cancel)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            // Output redirected: a progress bar would only leave its last frame in the file.
            return LoadGenerator.Run(settings, null, cancel);
        }
        LoadResult? result = null;
        AnsiConsole.Progress()
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
