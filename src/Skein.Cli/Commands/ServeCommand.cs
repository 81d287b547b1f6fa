// `skein serve`: parses the serve options into typed settings, builds the site application, binds the
// listener and hands everything to ServerHost. Wiring only: no server or HTTP logic lives here.
using System.CommandLine;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Skein.App;
using Skein.Cli.Grammar;
using Skein.Cli.Logging;
using Skein.Cli.Workers;
using Skein.Server;
using Skein.Server.Lifecycle;
using Skein.Server.Models;

namespace Skein.Cli.Commands;

/// <summary><c>skein serve</c>: serve a folder over HTTP/1.1 with the chosen concurrency model.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var arguments = new ServeArguments();
        var command = new Command("serve", "Serve a folder over HTTP/1.1 (Ctrl-C or SIGTERM stops gracefully; a second Ctrl-C forces).");
        arguments.AddTo(command);
        command.SetAction(parse => Run(parse, arguments));
        return command;
    }

    private static int Run(ParseResult parse, ServeArguments arguments)
    {
        ServerOptions options;
        SiteOptions site;
        try
        {
            options = arguments.BindServer(parse);
            site = arguments.BindSite(parse);
        }
        catch (ArgumentException e)
        {
            // Only when ServeArguments' checks and the records' Validate disagree: say it plainly anyway.
            return Complaint.Usage(parse, e.Message.Split(" (Parameter", 2)[0]);
        }
        if (FolderProblem(site.Root) is { } problem)
        {
            return Complaint.Failure(parse, problem);
        }
        using var loggerFactory = SkeinLogging.Create(options.Verbose);
        Listener listener;
        try
        {
            listener = Listener.Bind(options, loggerFactory.CreateLogger("Skein.Server"));
        }
        catch (SocketException e)
        {
            return Complaint.Failure(parse, $"cannot listen on {options.Host} port {options.Port}: {e.Message}");
        }
        using (listener)
        {
            using var server = new ServerContext(options, SiteApplication.Create(site), loggerFactory);
            IConcurrencyModel model;
            try
            {
                model = ModelFactory.Create(server, WorkerPrograms.For(options, site));
            }
            catch (NotSupportedException e)
            {
                return Complaint.Failure(parse, e.Message);
            }
            return ServerHost.Run(server, listener, model);
        }
    }

    private static string? FolderProblem(string folder) =>
        Directory.Exists(folder) ? null
        : File.Exists(folder) ? $"--folder '{folder}' is a file; give the folder to serve (e.g. -f www)"
        : $"--folder '{folder}' does not exist; give the folder to serve (e.g. -f www)";
}
