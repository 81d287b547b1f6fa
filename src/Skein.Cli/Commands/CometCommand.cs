// `skein comet URL -n N`: option parsing for Skein.Bench.Comet; exits 1 when any client failed. No socket
// code here.
using System.CommandLine;
using System.Net.Sockets;
using Skein.Bench.Comet;
using Skein.Cli.Grammar;

namespace Skein.Cli.Commands;

/// <summary><c>skein comet</c>: N long-polls released by one notify.</summary>
internal static class CometCommand
{
    public static Command Create()
    {
        var defaults = new CometSettings { Url = new Uri("http://127.0.0.1/") };
        var url = CommandArguments.Url("url", "Base URL; its path prefixes /wait, /notify and /waiters (http://h:p -> http://h:p/wait).");
        var clients = OptionTable.Clients.Count(defaults.Clients, "Long-polling clients.");
        var concurrency = OptionTable.ConnectConcurrency.Count(defaults.ConnectConcurrency, "Connects in flight at once (under common listen backlogs).");
        var timeout = OptionTable.Timeout.Duration(defaults.Timeout, "Deadline for connecting all, and for all answers.");
        var json = OptionTable.Json.Flag("Print JSON (schema in docs/tools.md).");
        var command = new Command("comet", "Comet test: N clients GET /wait, one GET /notify, each must be answered N.")
        {
            url, clients, concurrency, timeout, json,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var settings = new CometSettings
            {
                Url = parse.GetValue(url)!,
                Clients = parse.GetValue(clients),
                ConnectConcurrency = parse.GetValue(concurrency),
                Timeout = parse.GetValue(timeout),
            };
            if (CometRunner.CheckCapacity(settings.Clients) is { } problem)
            {
                return Complaint.Failure(parse, problem);
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
                return result.Passed ? ExitCodes.Success : ExitCodes.Failure;
            }
            catch (SocketException e)
            {
                return Complaint.Failure(parse, e.Message);
            }
        });
        return command;
    }
}
