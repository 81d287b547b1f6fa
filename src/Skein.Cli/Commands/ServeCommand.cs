// `skein serve`: parses the serve options into typed settings, builds the site application, binds the
// listener and hands everything to ServerHost. Wiring only: no server or HTTP logic lives here.
using System.CommandLine;
using System.CommandLine.Invocation;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Skein.App;
using Skein.Cli.Logging;
using Skein.Server;
using Skein.Server.Lifecycle;
using Skein.Server.Models;

namespace Skein.Cli.Commands;

/// <summary><c>skein serve</c>: serve a folder over HTTP/1.1 with the chosen concurrency model.</summary>
internal static class ServeCommand
{
    /// <summary>Exit code for a bad command line.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code for a failure at run time (port in use, missing folder).</summary>
    public const int RuntimeError = 1;

    public static Command Create()
    {
        var arguments = new ServeArguments();
        var command = new Command("serve", "Serve a folder over HTTP/1.1 (Ctrl-C or SIGTERM stops gracefully; a second Ctrl-C forces).");
        arguments.AddTo(command);
        command.Action = new ServeAction(arguments);
        return command;
    }

    /// <summary>The command's action. It takes over parse errors so that a bad value is one line on stderr
    /// and exit code 2, not a usage dump.</summary>
    private sealed class ServeAction(ServeArguments arguments) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            if (parseResult.Errors.Count > 0)
            {
                return Fail(UsageError, parseResult.Errors[0].Message);
            }
            if (parseResult.UnmatchedTokens.Count > 0)
            {
                return Fail(UsageError, $"unknown option or argument '{parseResult.UnmatchedTokens[0]}' (see skein serve --help)");
            }
            ServerOptions options;
            SiteOptions site;
            try
            {
                options = arguments.BindServer(parseResult);
                site = arguments.BindSite(parseResult);
            }
            catch (ArgumentException e)
            {
                return Fail(UsageError, Describe(e));
            }
            if (!Directory.Exists(site.Root))
            {
                return Fail(RuntimeError, $"folder '{site.Root}' does not exist (use -f to choose one)");
            }
            using var loggerFactory = SkeinLogging.Create(options.Verbose);
            Listener listener;
            try
            {
                listener = Listener.Bind(options, loggerFactory.CreateLogger("Skein.Server"));
            }
            catch (SocketException e)
            {
                return Fail(RuntimeError, $"cannot listen on {options.Host} port {options.Port}: {e.Message}");
            }
            using (listener)
            {
                using var server = new ServerContext(options, SiteApplication.Create(site), loggerFactory);
                IConcurrencyModel model;
                try
                {
                    model = ModelFactory.Create(server);
                }
                catch (NotSupportedException e)
                {
                    return Fail(RuntimeError, e.Message);
                }
                return ServerHost.Run(server, listener, model);
            }
        }

        // ServerOptions.Validate names properties; say which option the user has to fix.
        private static readonly Dictionary<string, string> OptionOf = new(StringComparer.Ordinal)
        {
            ["Workers"] = "--workers", ["Port"] = "--port", ["Host"] = "--host", ["host"] = "--host", ["Backlog"] = "--backlog",
            ["HeaderTimeout"] = "--header-timeout", ["KeepAliveTimeout"] = "--keepalive-timeout",
            ["BodyReadTimeout"] = "--body-timeout", ["ShutdownTimeout"] = "--shutdown-timeout",
            ["MaxConnections"] = "--max-connections", ["QueueCapacity"] = "--queue",
            ["MaxRequestLineBytes"] = "--max-request-line", ["MaxRequestTargetBytes"] = "--max-target",
            ["MaxHeaderBytes"] = "--max-header-bytes", ["MaxHeaderCount"] = "--max-headers",
            ["MaxBodyBytes"] = "--max-body", ["MaxChunkLineBytes"] = "--max-chunk-line",
        };

        private static string Describe(ArgumentException e)
        {
            var message = e.Message.Split(" (Parameter")[0].Split('\n')[0];
            return e.ParamName is { } name && OptionOf.TryGetValue(name, out var option)
                ? $"{option}: {message.Replace(name, "value", StringComparison.Ordinal)}"
                : message;
        }

        private static int Fail(int code, string message)
        {
            Console.Error.WriteLine($"skein serve: {message}");
            return code;
        }
    }
}
