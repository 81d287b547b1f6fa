// `skein probe`: option parsing for Skein.Bench.Probe (the seeds' test_my_server). No socket code here.
using System.CommandLine;
using System.Net.Sockets;
using Skein.Bench;
using Skein.Bench.Probe;

namespace Skein.Cli.Commands;

/// <summary><c>skein probe</c>: N concurrent one-shot GETs, each one's time, the total and the ideal.</summary>
internal static class ProbeCommand
{
    public static Command Create()
    {
        var target = new Argument<string[]>("target") { Description = "URL (http://host:port[/path]) or HOST PORT; default http://127.0.0.1:8085 (skein serve's port).", Arity = ArgumentArity.ZeroOrMore };
        var io = new Option<bool>("--io", "-i") { Description = "GET /io (waits 1 s in the server without computing)." };
        var cpu = new Option<bool>("--cpu", "-c") { Description = "GET /cpu (a CPU-bound request)." };
        var path = new Option<string?>("--path") { Description = "GET this path instead (default: the URL's path, else /)." };
        var clients = new Option<int>("--clients", "-n") { Description = "Concurrent clients, one request each (default 10).", DefaultValueFactory = _ => 10 };
        var timeout = new Option<string>("--timeout") { Description = "Give up on a request after this long (default 60s).", DefaultValueFactory = _ => "60s" };
        var noIdeal = new Option<bool>("--no-ideal") { Description = "Skip the single request measured first as the ideal." };
        var json = new Option<bool>("--json") { Description = "Print JSON (schema in docs/tools.md)." };
        var command = new Command("probe", "Send N concurrent GETs (the seeds' test_my_server) and show each time, the total, the spread and the ideal.")
        {
            target, io, cpu, path, clients, timeout, noIdeal, json,
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
                    throw new FormatException("choose one of -i, -c and --path");
                }
                string? p = parse.GetValue(io) ? "/io" : parse.GetValue(cpu) ? "/cpu" : parse.GetValue(path);
                var url = p is null ? baseUrl : new Uri(baseUrl, p.StartsWith('/') ? p : "/" + p);
                int n = parse.GetValue(clients);
                if (n < 1)
                {
                    throw new FormatException("--clients must be at least 1");
                }
                settings = new ProbeSettings { Url = url, Clients = n, Timeout = DurationText.Parse(parse.GetValue(timeout)!), MeasureIdeal = !parse.GetValue(noIdeal) };
            }
            catch (FormatException e)
            {
                await Console.Error.WriteLineAsync($"skein probe: {e.Message}");
                return 2;
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
                return result.Failed == 0 ? 0 : 1;
            }
            catch (SocketException e)
            {
                await Console.Error.WriteLineAsync($"skein probe: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Uri ParseTarget(string[] args) => args.Length switch
    {
        0 => new Uri("http://127.0.0.1:8085/"),
        1 => TargetUrl.Parse(args[0]),
        2 => TargetUrl.Parse($"{args[0]}:{args[1]}"),
        _ => throw new FormatException("give a URL, or HOST PORT"),
    };
}
