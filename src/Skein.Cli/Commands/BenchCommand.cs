// `skein bench URL`: option parsing for the load generator (Skein.Bench.Load) and its two renderings. No
// measuring happens here.
using System.CommandLine;
using System.Globalization;
using Skein.Bench;
using Skein.Bench.Latency;
using Skein.Bench.Load;
using Skein.Bench.Reports;
using Spectre.Console;

namespace Skein.Cli.Commands;

/// <summary><c>skein bench</c>: wrk/wrk2-style HTTP load with corrected latency percentiles.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var url = new Argument<string>("url") { Description = "http:// URL to request (GET)." };
        var connections = new Option<int>("--connections", "-c") { Description = "Connections to keep open (default 10, like wrk).", DefaultValueFactory = _ => 10 };
        var threads = new Option<int>("--threads", "-t") { Description = "Load threads (default 2, like wrk).", DefaultValueFactory = _ => 2 };
        var duration = new Option<string>("--duration", "-d") { Description = "How long to run: 10s, 500ms, 2m (default 10s, like wrk).", DefaultValueFactory = _ => "10s" };
        var rate = new Option<double?>("--rate", "-R") { Description = "Constant total rate in requests/s; latency is measured from each request's scheduled time. Without it: as fast as possible." };
        var close = new Option<bool>("--close") { Description = "New connection per request (Connection: close) instead of keep-alive." };
        var headers = new Option<string[]>("--header", "-H") { Description = "Extra request header 'Name: value' (repeatable).", AllowMultipleArgumentsPerToken = false };
        var timeout = new Option<string>("--timeout") { Description = "A request without a response after this long is a timeout (default 2s, like wrk).", DefaultValueFactory = _ => "2s" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (schema in docs/tools.md) instead of tables." };
        var hgrm = new Option<string?>("--hgrm") { Description = "Also write the latency percentile distribution to FILE in wrk2's .hgrm format (milliseconds), for HdrHistogram's plotter.", HelpName = "FILE" };

        var command = new Command("bench", "Load an HTTP/1.1 server like wrk (or wrk2 with -R) and report requests/s and latency percentiles.")
        {
            url, connections, threads, duration, rate, close, headers, timeout, json, hgrm,
        };
        command.SetAction(parse =>
        {
            LoadSettings settings;
            try
            {
                settings = new LoadSettings
                {
                    Url = TargetUrl.Parse(parse.GetValue(url)!),
                    Connections = parse.GetValue(connections),
                    Threads = parse.GetValue(threads),
                    Duration = DurationText.Parse(parse.GetValue(duration)!),
                    Rate = parse.GetValue(rate),
                    KeepAlive = !parse.GetValue(close),
                    Headers = parse.GetValue(headers) ?? [],
                    Timeout = DurationText.Parse(parse.GetValue(timeout)!),
                };
                settings.Validate();
            }
            catch (ArgumentException e)
            {
                // The message without the " (Parameter 'X')" suffix: the user typed an option, not a parameter.
                Console.Error.WriteLine($"skein bench: {(e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal))}");
                return 2;
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine($"skein bench: {e.Message}");
                return 2;
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
                return 0;
            }
            catch (System.Net.Sockets.SocketException e)
            {
                Console.Error.WriteLine($"skein bench: cannot resolve {settings.Url.Host}: {e.Message}");
                return 1;
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"skein bench: {e.Message}");
                return 1;
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
