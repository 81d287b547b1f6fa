// `skein serve`: parses the serve options into typed settings, builds the site application, binds the
// listener and hands everything to ServerHost. Wiring only: no server or HTTP logic lives here.
using System.CommandLine;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Skein.App;
using Skein.Cli.Configuration;
using Skein.Cli.Grammar;
using Skein.Cli.Logging;
using Skein.Cli.Workers;
using Skein.Server;
using Skein.Server.Lifecycle;
using Skein.Server.Models;
using Skein.Server.Threading;

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
        var configuration = new ServeConfiguration(arguments, parse);
        if (!configuration.TryLoad(out var settings, out var problem))
        {
            return problem.IsUsage ? Complaint.Usage(parse, problem.Message) : Complaint.Failure(parse, problem.Message);
        }
        var (options, site) = (settings.Server, settings.Site);
        using var loggerFactory = SkeinLogging.Create(options.Verbose);
        Listener listener;
        try
        {
            // A socket systemd passed in (socket activation) wins over --host and --port.
            var log = loggerFactory.CreateLogger("Skein.Server");
            if (SocketActivation.TakeListener(log) is { } passed)
            {
                listener = passed;
                listener.LimitUnsentBytes(options.NotSentLowWater); // systemd's .socket units have no setting for it
            }
            else
            {
                listener = Listener.Bind(options, log);
            }
        }
        catch (SocketException e)
        {
            return Complaint.Failure(parse, $"cannot listen on {options.Host} port {options.Port}: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            return Complaint.Failure(parse, e.Message);
        }
        using (listener)
        {
            // The application's timers (/io, --delay) fire on the event loop that set them (async, hybrid).
            using var server = new ServerContext(options, SiteApplication.Create(site with { TimeProvider = LoopTimeProvider.Instance }), loggerFactory);
            IConcurrencyModel model;
            try
            {
                model = ModelFactory.Create(server, WorkerPrograms.For(options, site));
            }
            catch (NotSupportedException e)
            {
                return Complaint.Failure(parse, e.Message);
            }
            return ServerHost.Run(server, listener, model, configuration: configuration.ForReload(settings));
        }
    }
}
