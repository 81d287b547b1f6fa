// The options of `skein serve` and their conversion to typed settings (ServerOptions, SiteOptions). Kept
// apart from ServeCommand so a command that must accept the very same options (the hidden `skein worker`
// a process model re-executes) can add and bind them too. Strings stop here: nothing past it sees one.
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Skein.App;
using Skein.Http;
using Skein.Server;
using Skein.Server.Models;

namespace Skein.Cli;

/// <summary>The serve options, their help text and defaults (taken from the option records themselves).</summary>
public sealed class ServeArguments
{
    private static readonly ServerOptions ServerDefaults = new();
    private static readonly HttpLimits LimitDefaults = HttpLimits.Default;

    /// <summary>The model names as typed on the command line, in enum order.</summary>
    public static IReadOnlyList<string> ModelNames { get; } = [.. Enum.GetValues<ConcurrencyModel>().Select(ServerHost.ModelName)];

    /// <summary>-c/--concurrency</summary>
    public Option<ConcurrencyModel?> Concurrency { get; } = new("--concurrency", "-c")
    {
        Description = "Concurrency model: " + string.Join(", ", ModelNames) + " (see docs/models.md). [default: "
            + ServerHost.ModelName(ServerDefaults.Model) + "]",
        HelpName = "model",
        CustomParser = ParseModel,
    };

    /// <summary>-w/--workers</summary>
    public Option<int?> Workers { get; } = new("--workers", "-w")
    {
        Description = "Threads, event loops or processes. Default: thread-pool 200, async and hybrid one per core ("
            + Environment.ProcessorCount + "), process-pool 2 x cores + 1, process 4 spares; ignored by single and thread.",
        HelpName = "n",
    };

    /// <summary>-p/--port</summary>
    public Option<int> Port { get; } = new("--port", "-p")
    {
        Description = "TCP port (0: any free port, printed in the first log line).",
        DefaultValueFactory = _ => ServerDefaults.Port,
    };

    /// <summary>--host</summary>
    public Option<string> Host { get; } = new("--host")
    {
        Description = "Address to listen on: an IPv4 or IPv6 literal (0.0.0.0, ::), or localhost.",
        DefaultValueFactory = _ => ServerDefaults.Host,
    };

    /// <summary>-f/--folder</summary>
    public Option<string> Folder { get; } = new("--folder", "-f")
    {
        Description = "Folder to serve.",
        DefaultValueFactory = _ => "./www",
    };

    /// <summary>-v/--verbose</summary>
    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Debug logging; every line shows pid, thread id and connection id.",
    };

    /// <summary>-d/--delay</summary>
    public Option<double> Delay { get; } = new("--delay", "-d")
    {
        Description = "Artificial delay added to every request, in seconds (to watch concurrency by hand).",
        HelpName = "seconds",
        DefaultValueFactory = _ => 0,
    };

    /// <summary>--header-timeout</summary>
    public Option<double> HeaderTimeout { get; } = Seconds("--header-timeout", ServerDefaults.HeaderTimeout,
        "Seconds to receive a whole request head (slowloris defence; Kestrel's default).");

    /// <summary>--keepalive-timeout</summary>
    public Option<double> KeepAliveTimeout { get; } = Seconds("--keepalive-timeout", ServerDefaults.KeepAliveTimeout,
        "Seconds an idle keep-alive connection waits for its next request (nginx's default).");

    /// <summary>--body-timeout</summary>
    public Option<double> BodyTimeout { get; } = Seconds("--body-timeout", ServerDefaults.BodyReadTimeout,
        "Seconds allowed between two reads of a request body (nginx's default).");

    /// <summary>--shutdown-timeout</summary>
    public Option<double> ShutdownTimeout { get; } = Seconds("--shutdown-timeout", ServerDefaults.ShutdownTimeout,
        "Seconds in-flight requests get to finish after Ctrl-C or SIGTERM (.NET host's default).");

    /// <summary>--max-connections</summary>
    public Option<int> MaxConnections { get; } = Count("--max-connections", ServerDefaults.MaxConnections, "Most open connections; more get 503 and are closed.");

    /// <summary>--backlog</summary>
    public Option<int> Backlog { get; } = Count("--backlog", ServerDefaults.Backlog, "Listen backlog (nginx's default; capped by net.core.somaxconn).");

    /// <summary>--queue</summary>
    public Option<int> Queue { get; } = Count("--queue", ServerDefaults.QueueCapacity, "thread-pool: connections that may wait for a free worker; more get a quick 503.");

    /// <summary>--max-request-line</summary>
    public Option<int> MaxRequestLine { get; } = Bytes("--max-request-line", LimitDefaults.MaxRequestLineBytes, "Longest request line in bytes (414 beyond).");

    /// <summary>--max-target</summary>
    public Option<int> MaxTarget { get; } = Bytes("--max-target", LimitDefaults.MaxRequestTargetBytes, "Longest request target in bytes (414 beyond).");

    /// <summary>--max-header-bytes</summary>
    public Option<int> MaxHeaderBytes { get; } = Bytes("--max-header-bytes", LimitDefaults.MaxHeaderBytes, "Largest header section in bytes (431 beyond).");

    /// <summary>--max-headers</summary>
    public Option<int> MaxHeaders { get; } = Count("--max-headers", LimitDefaults.MaxHeaderCount, "Most header fields (431 beyond).");

    /// <summary>--max-body</summary>
    public Option<long> MaxBody { get; } = new("--max-body")
    {
        Description = "Largest request body in bytes (413 beyond).",
        HelpName = "bytes",
        DefaultValueFactory = _ => LimitDefaults.MaxBodyBytes,
    };

    /// <summary>--max-chunk-line</summary>
    public Option<int> MaxChunkLine { get; } = Bytes("--max-chunk-line", LimitDefaults.MaxChunkLineBytes, "Longest chunk-size line, and largest trailer section, in bytes.");

    /// <summary>--access-log</summary>
    public Option<string?> AccessLog { get; } = new("--access-log")
    {
        Description = "Write an access log in the Combined Log Format: to standard output, or to FILE. Off by default.",
        HelpName = "FILE",
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <summary>Every option, in help order.</summary>
    public IEnumerable<Option> All =>
    [
        Concurrency, Workers, Port, Host, Folder, Verbose, Delay, HeaderTimeout, KeepAliveTimeout, BodyTimeout,
        ShutdownTimeout, MaxConnections, Backlog, Queue, MaxRequestLine, MaxTarget, MaxHeaderBytes, MaxHeaders,
        MaxBody, MaxChunkLine, AccessLog,
    ];

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in All)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Builds and validates the server options. Throws <see cref="ArgumentException"/> naming the bad value.</summary>
    public ServerOptions BindServer(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var limits = new HttpLimits
        {
            MaxRequestLineBytes = result.GetValue(MaxRequestLine),
            MaxRequestTargetBytes = result.GetValue(MaxTarget),
            MaxHeaderBytes = result.GetValue(MaxHeaderBytes),
            MaxHeaderCount = result.GetValue(MaxHeaders),
            MaxBodyBytes = result.GetValue(MaxBody),
            MaxChunkLineBytes = result.GetValue(MaxChunkLine),
        };
        var accessLog = result.GetResult(AccessLog) is { Implicit: false } given
            ? given.Tokens.Count == 0 ? ServerOptions.AccessLogToStdout : result.GetValue(AccessLog)
            : null;
        return new ServerOptions
        {
            Model = result.GetValue(Concurrency) ?? ServerDefaults.Model,
            Workers = result.GetValue(Workers),
            Host = result.GetValue(Host)!,
            Port = result.GetValue(Port),
            Backlog = result.GetValue(Backlog),
            Limits = limits,
            HeaderTimeout = ToTime(result.GetValue(HeaderTimeout), "--header-timeout"),
            KeepAliveTimeout = ToTime(result.GetValue(KeepAliveTimeout), "--keepalive-timeout"),
            BodyReadTimeout = ToTime(result.GetValue(BodyTimeout), "--body-timeout"),
            ShutdownTimeout = ToTime(result.GetValue(ShutdownTimeout), "--shutdown-timeout"),
            MaxConnections = result.GetValue(MaxConnections),
            QueueCapacity = result.GetValue(Queue),
            Verbose = result.GetValue(Verbose),
            AccessLog = accessLog,
            Folder = Path.GetFullPath(result.GetValue(Folder)!),
        }.Validate();
    }

    /// <summary>Builds the site options (the folder is checked by the caller).</summary>
    public SiteOptions BindSite(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var delay = result.GetValue(Delay);
        if (delay < 0 || double.IsNaN(delay) || delay > TimeSpan.MaxValue.TotalSeconds)
        {
            throw new ArgumentException($"--delay: {delay.ToString(CultureInfo.InvariantCulture)} must be zero or more seconds");
        }
        return new SiteOptions { Root = Path.GetFullPath(result.GetValue(Folder)!), Delay = TimeSpan.FromSeconds(delay) };
    }

    private static ConcurrencyModel? ParseModel(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        for (var i = 0; i < ModelNames.Count; i++)
        {
            if (string.Equals(ModelNames[i], text, StringComparison.OrdinalIgnoreCase))
            {
                return (ConcurrencyModel)i;
            }
        }
        result.AddError($"'{text}' is not a concurrency model; use one of: {string.Join(", ", ModelNames)}.");
        return default;
    }

    private static Option<double> Seconds(string name, TimeSpan defaultValue, string description) => new(name)
    {
        Description = description,
        HelpName = "seconds",
        DefaultValueFactory = _ => defaultValue.TotalSeconds,
    };

    private static Option<int> Bytes(string name, int defaultValue, string description) => Sized(name, "bytes", defaultValue, description);

    private static Option<int> Count(string name, int defaultValue, string description) => Sized(name, "n", defaultValue, description);

    private static Option<int> Sized(string name, string helpName, int defaultValue, string description) => new(name)
    {
        Description = description,
        HelpName = helpName,
        DefaultValueFactory = _ => defaultValue,
    };

    private static TimeSpan ToTime(double seconds, string option)
        => seconds >= 0 && seconds <= 24 * 3600 * 365
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException($"{option}: {seconds.ToString(CultureInfo.InvariantCulture)} must be between 0 and a year of seconds");
}
