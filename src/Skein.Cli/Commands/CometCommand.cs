// `skein comet URL -n N`: option parsing for Skein.Bench.Comet; exits 1 when any client failed. No socket
// code here.
using System.CommandLine;
using System.Net.Sockets;
using Skein.Bench;
using Skein.Bench.Comet;

namespace Skein.Cli.Commands;

/// <summary><c>skein comet</c>: N long-polls released by one notify.</summary>
internal static class CometCommand
{
    public static Command Create()
    {
        var url = new Argument<string>("url") { Description = "Base URL; its path prefixes /wait, /notify and /waiters (http://h:p -> http://h:p/wait)." };
        var clients = new Option<int>("--clients", "-n") { Description = "Long-polling clients (default 1000).", DefaultValueFactory = _ => 1000 };
        var concurrency = new Option<int>("--connect-concurrency") { Description = "Connects in flight at once (default 128, under common listen backlogs).", DefaultValueFactory = _ => 128 };
        var timeout = new Option<string>("--timeout") { Description = "Deadline for connecting all, and for all answers (default 60s).", DefaultValueFactory = _ => "60s" };
        var json = new Option<bool>("--json") { Description = "Print JSON (schema in docs/tools.md)." };
        var command = new Command("comet", "Comet test: N clients GET /wait, one GET /notify, each must be answered N.")
        {
            url, clients, concurrency, timeout, json,
        };
        command.SetAction(async (parse, cancel) =>
        {
            CometSettings settings;
            try
            {
                settings = new CometSettings
                {
                    Url = TargetUrl.Parse(parse.GetValue(url)!),
                    Clients = parse.GetValue(clients),
                    ConnectConcurrency = parse.GetValue(concurrency),
                    Timeout = DurationText.Parse(parse.GetValue(timeout)!),
                };
                if (settings.Clients < 1 || settings.ConnectConcurrency < 1)
                {
                    throw new FormatException("--clients and --connect-concurrency must be at least 1");
                }
            }
            catch (FormatException e)
            {
                await Console.Error.WriteLineAsync($"skein comet: {e.Message}");
                return 2;
            }
            if (CometRunner.CheckCapacity(settings.Clients) is { } problem)
            {
                await Console.Error.WriteLineAsync($"skein comet: {problem}");
                return 1;
            }

            bool asJson = parse.GetValue(json);
            try
            {
                var progress = asJson ? null : new Progress<string>(line => Console.Error.WriteLine("... " + line));
                var result = await CometRunner.RunAsync(settings, progress, cancel);
                if (asJson)
                {
                    using var stdout = Console.OpenStandardOutput();
                    CometReport.WriteJson(result, stdout);
                }
                else
                {
                    foreach (var line in CometReport.Lines(result))
                    {
                        Console.WriteLine(line);
                    }
                }
                return result.Passed ? 0 : 1;
            }
            catch (SocketException e)
            {
                await Console.Error.WriteLineAsync($"skein comet: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
