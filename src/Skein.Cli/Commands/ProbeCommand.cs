// `skein probe`: option parsing for Skein.Bench.Probe (the seeds' test_my_server). No socket code here.
using System.CommandLine;
using System.Net.Sockets;
using Skein.Bench;
using Skein.Bench.Probe;
using Skein.Cli.Grammar;

namespace Skein.Cli.Commands;

/// <summary><c>skein probe</c>: N concurrent one-shot GETs, each one's time, the total and the ideal.</summary>
internal static class ProbeCommand
{
    public static Command Create()
    {
        var target = new Argument<string[]>("target") { Description = "URL (http://host:port[/path]) or HOST PORT; default http://127.0.0.1:8085 (skein serve's port).", Arity = ArgumentArity.ZeroOrMore };
        var defaults = new ProbeSettings { Url = new Uri("http://127.0.0.1/") };
        var io = OptionTable.Io.Flag("GET /io (waits 1 s in the server without computing).");
        var cpu = OptionTable.Cpu.Flag("GET /cpu (a CPU-bound request).");
        var path = OptionTable.Path.Text(null, "GET this path instead (default: the URL's path, else /).", "path");
        var clients = OptionTable.Clients.Count(defaults.Clients, "Concurrent clients, one request each.");
        var timeout = OptionTable.Timeout.Duration(defaults.Timeout, "Give up on a request after this long.");
        var noIdeal = OptionTable.NoIdeal.Flag("Skip the single request measured first as the ideal.");
        var cores = OptionTable.Cores.Count(defaults.ServerCores, "The server's CPU cores, for the ideal of CPU-bound requests (default: this machine's, right for a server on loopback).");
        var json = OptionTable.Json.Flag("Print JSON (schema in docs/tools.md).");
        var command = new Command("probe", "Send N concurrent GETs (the seeds' test_my_server) and show each time, the total, the spread and the ideal.")
        {
            target, io, cpu, path, clients, timeout, noIdeal, cores, json,
        };
        command.SetAction(async (parse, cancel) =>
        {
            ProbeSettings settings;
            try
            {
                var baseUrl = ParseTarget(parse.GetValue(target) ?? []);
                int chosen = (parse.GetValue(io) ? 1 : 0) + (parse.GetValue(cpu) ? 1 : 0) + (parse.GetValue(path) is null ? 0 : 1);
                if (chosen > 1)
                {
                    throw new FormatException("choose one of -i, --cpu and --path");
                }
                string? p = parse.GetValue(io) ? "/io" : parse.GetValue(cpu) ? "/cpu" : parse.GetValue(path);
                var url = p is null ? baseUrl : new Uri(baseUrl, p.StartsWith('/') ? p : "/" + p);
                settings = new ProbeSettings
                {
                    Url = url,
                    Clients = parse.GetValue(clients),
                    Timeout = parse.GetValue(timeout),
                    MeasureIdeal = !parse.GetValue(noIdeal),
                    Work = parse.GetValue(io) ? ProbeWork.Waits : parse.GetValue(cpu) ? ProbeWork.Computes : ProbeWork.Unknown,
                    ServerCores = parse.GetValue(cores),
                };
            }
            catch (FormatException e)
            {
                return Complaint.Usage(parse, e.Message);
            }

            bool asJson = parse.GetValue(json);
            try
            {
                var result = await ProbeRunner.RunAsync(settings, asJson ? null : s => Console.WriteLine(ProbeReport.Line(settings.Url, s)), cancel);
                if (asJson)
                {
                    using var stdout = Console.OpenStandardOutput();
                    ProbeReport.WriteJson(result, stdout);
                }
                else
                {
                    foreach (var line in ProbeReport.Summary(result))
                    {
                        Console.WriteLine(line);
                    }
                }
                return result.Failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
            }
            catch (SocketException e)
            {
                return Complaint.Failure(parse, e.Message);
            }
        });
        return command;
    }

    private static Uri ParseTarget(string[] args) => args.Length switch
    {
        0 => new Uri("http://127.0.0.1:8085/"),
        1 => TargetUrl.TryParse(args[0], out var url) ? url : throw new FormatException(CommandArguments.Rejection("target", args[0], "an http:// URL, or HOST PORT")),
        2 => TargetUrl.TryParse($"{args[0]}:{args[1]}", out var url) ? url : throw new FormatException(CommandArguments.Rejection("target", $"{args[0]} {args[1]}", "an http:// URL, or HOST PORT")),
        _ => throw new FormatException($"unexpected argument '{args[2]}': give a URL, or HOST PORT"),
    };
}
