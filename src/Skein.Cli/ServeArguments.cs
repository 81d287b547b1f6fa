// The options of `skein serve` and their conversion to typed settings (ServerOptions, SiteOptions). Kept
// apart from ServeCommand so a command that must accept the very same options (the hidden `skein worker`
// a process model re-executes) can add and bind them too. Every option is made from a row of
// Grammar/OptionTable, so it parses, reports errors and shows its default like every other option;
// ranges are checked while parsing, and nothing past this file sees a string.
//
// To add an option: a row in OptionTable, a property here built from it (the default taken from the
// options record), an entry in All, and a line in BindServer or BindSite.
using System.CommandLine;
using Skein.App;
using Skein.Cli.Grammar;
using Skein.Http;
using Skein.Http.Proxy;
using Skein.Server;
using Skein.Server.Models;

namespace Skein.Cli;

/// <summary>The serve options, their help text and defaults (taken from the option records themselves).</summary>
public sealed class ServeArguments
{
    private static readonly ServerOptions ServerDefaults = new();
    private static readonly HttpLimits LimitDefaults = HttpLimits.Default;

    /// <summary>The folder served when -f is not given.</summary>
    public const string DefaultFolder = "./www";

    /// <summary>-m/--model</summary>
    public SkeinOption<ConcurrencyModel> Model { get; } = OptionTable.Model.Choice(ServerDefaults.Model, ServerHost.ModelName,
        "Concurrency model (see docs/models.md).", "model");

    /// <summary>-w/--workers</summary>
    public SkeinOption<int?> Workers { get; } = OptionTable.Workers.OptionalCount(
        "Threads, event loops or processes. Default: thread-pool 200, async and hybrid one per core (" + Environment.ProcessorCount
        + "), process-pool 2 x cores + 1, process 4 spares; ignored by single and thread.", max: ServerOptions.MaxWorkers);

    /// <summary>-p/--port</summary>
    public SkeinOption<int> Port { get; } = OptionTable.Port.Count(ServerDefaults.Port,
        "TCP port (0: any free port, printed in the first log line).", min: 0, max: 65535, helpName: "port");

    /// <summary>--host</summary>
    public SkeinOption<string> Host { get; } = OptionTable.Host.Text(ServerDefaults.Host,
        "Address to listen on: an IPv4 or IPv6 literal (0.0.0.0, ::), or localhost.", "address",
        "an IPv4 or IPv6 address (127.0.0.1, 0.0.0.0, ::1) or localhost", IsHost);

    /// <summary>-f/--folder</summary>
    public SkeinOption<string> Folder { get; } = OptionTable.Folder.Text(DefaultFolder, "Folder to serve.", "folder", "a folder");

    /// <summary>-v/--verbose</summary>
    public SkeinOption<bool> Verbose { get; } = OptionTable.Verbose.Flag(
        "Debug logging, every line with pid, thread id and connection id, and each request in the Combined Log Format (on stderr, unless --access-log says where).");

    /// <summary>--delay</summary>
    public SkeinOption<TimeSpan> Delay { get; } = OptionTable.Delay.Duration(TimeSpan.Zero,
        "Artificial delay added to every request (to watch concurrency by hand).", allowZero: true);

    /// <summary>--header-timeout</summary>
    public SkeinOption<TimeSpan> HeaderTimeout { get; } = OptionTable.HeaderTimeout.Duration(ServerDefaults.HeaderTimeout,
        "Time to receive a whole request head (slowloris defence; Kestrel's default).");

    /// <summary>--keepalive-timeout</summary>
    public SkeinOption<TimeSpan> KeepAliveTimeout { get; } = OptionTable.KeepAliveTimeout.Duration(ServerDefaults.KeepAliveTimeout,
        "Time an idle keep-alive connection waits for its next request (nginx's default).");

    /// <summary>--body-timeout</summary>
    public SkeinOption<TimeSpan> BodyTimeout { get; } = OptionTable.BodyTimeout.Duration(ServerDefaults.BodyReadTimeout,
        "Time allowed between two reads of a request body (nginx's default).");

    /// <summary>--min-body-rate</summary>
    public SkeinOption<long> MinBodyRate { get; } = OptionTable.MinBodyRate.Size(RateOf(ServerDefaults.MinRequestBodyDataRate),
        "Slowest request body, in bytes per second of waiting (408 below it; 0: off). Kestrel's default.", min: 0);

    /// <summary>--min-response-rate</summary>
    public SkeinOption<long> MinResponseRate { get; } = OptionTable.MinResponseRate.Size(RateOf(ServerDefaults.MinResponseDataRate),
        "Slowest a client may take a response, in bytes per second (dropped below it; 0: off). Kestrel's default.", min: 0);

    /// <summary>--rate-grace</summary>
    public SkeinOption<TimeSpan> RateGrace { get; } = OptionTable.RateGrace.Duration(MinDataRate.Default.GracePeriod,
        "Time before the minimum rates apply (Kestrel's default).", allowZero: true);

    /// <summary>--shutdown-timeout</summary>
    public SkeinOption<TimeSpan> ShutdownTimeout { get; } = OptionTable.ShutdownTimeout.Duration(ServerDefaults.ShutdownTimeout,
        "Time in-flight requests get to finish after Ctrl-C or SIGTERM (.NET host's default).", allowZero: true);

    /// <summary>--max-connections</summary>
    public SkeinOption<int> MaxConnections { get; } = OptionTable.MaxConnections.Count(ServerDefaults.MaxConnections,
        "Most open connections; more get 503 and are closed.");

    /// <summary>--backlog</summary>
    public SkeinOption<int> Backlog { get; } = OptionTable.Backlog.Count(ServerDefaults.Backlog,
        "Listen backlog (default: the kernel's ceiling, net.core.somaxconn, as Go's net package).");

    /// <summary>--defer-accept</summary>
    public SkeinOption<TimeSpan> DeferAccept { get; } = OptionTable.DeferAccept.Duration(ServerDefaults.DeferAccept,
        "Time the kernel holds a new connection back until its request arrives (TCP_DEFER_ACCEPT, nginx's listen deferred; whole seconds, 0: off); a silent client is accepted after it.", allowZero: true);

    /// <summary>--notsent-lowat</summary>
    public SkeinOption<int> NotSentLowWater { get; } = OptionTable.NotSentLowWater.Size(ServerDefaults.NotSentLowWater,
        "Most bytes of responses the kernel holds unsent per connection before a send waits (TCP_NOTSENT_LOWAT; 0: the kernel's default, unlimited). Less kernel memory per connection, and large files sent faster.", min: 0);

    /// <summary>--queue</summary>
    public SkeinOption<int> Queue { get; } = OptionTable.Queue.Count(ServerDefaults.QueueCapacity,
        "thread-pool: connections that may wait for a free worker; process: for a process to start; single, each process-pool worker: taken while it waits for its client; more get a quick 503.");

    /// <summary>--max-starting</summary>
    public SkeinOption<int> MaxStarting { get; } = OptionTable.MaxStarting.Count(ServerDefaults.MaxStartingProcesses,
        "process: most worker processes starting at once (php-fpm's and Apache's spawn rate); other connections wait in the --queue.");

    /// <summary>--max-request-line</summary>
    public SkeinOption<int> MaxRequestLine { get; } = OptionTable.MaxRequestLine.Size(LimitDefaults.MaxRequestLineBytes,
        "Longest request line (414 beyond).", min: HttpLimits.MinRequestLineBytes);

    /// <summary>--max-target</summary>
    public SkeinOption<int> MaxTarget { get; } = OptionTable.MaxTarget.Size(LimitDefaults.MaxRequestTargetBytes,
        "Longest request target (414 beyond).");

    /// <summary>--max-header-bytes</summary>
    public SkeinOption<int> MaxHeaderBytes { get; } = OptionTable.MaxHeaderBytes.Size(LimitDefaults.MaxHeaderBytes,
        "Largest header section (431 beyond).", min: HttpLimits.MinHeaderBytes);

    /// <summary>--max-headers</summary>
    public SkeinOption<int> MaxHeaders { get; } = OptionTable.MaxHeaders.Count(LimitDefaults.MaxHeaderCount,
        "Most header fields (431 beyond).");

    /// <summary>--max-body</summary>
    public SkeinOption<long> MaxBody { get; } = OptionTable.MaxBody.Size(LimitDefaults.MaxBodyBytes,
        "Largest request body (413 beyond).", min: 0);

    /// <summary>--max-chunk-line</summary>
    public SkeinOption<int> MaxChunkLine { get; } = OptionTable.MaxChunkLine.Size(LimitDefaults.MaxChunkLineBytes,
        "Longest chunk-size line, and largest trailer section.", min: HttpLimits.MinChunkLineBytes);

    /// <summary>--access-log</summary>
    public SkeinOption<string> AccessLog { get; } = OptionTable.AccessLog.OptionalText(
        "Write an access log in the Combined Log Format: to standard output, or to FILE (appended). Off by default, except on stderr with -v.", "FILE");

    /// <summary>--health-path</summary>
    public SkeinOption<string> HealthPath { get; } = OptionTable.HealthPath.Text(ServerDefaults.HealthPath,
        "Path of the health check for load balancers: 200 while serving, 503 while shutting down; off for none.", "path",
        "a path starting with / (ASCII, no spaces), or off", IsHealthPath);

    /// <summary>--config</summary>
    public SkeinOption<string> Config { get; } = OptionTable.Config.Text(null,
        "Read options from a JSON file whose keys are these options' long names ({\"port\": 8080, \"header-timeout\": \"10s\"}); "
        + "options on the command line win. SIGHUP reads it again.", "FILE", "a file");

    /// <summary>--proxy-protocol</summary>
    public SkeinOption<bool> ProxyProtocol { get; } = OptionTable.ProxyProtocol.Flag(
        "Every connection starts with a PROXY protocol v1 or v2 header (HAProxy's send-proxy): logs and handlers see the client it names. Without a valid header the connection is closed.");

    /// <summary>--proxy-from</summary>
    public SkeinOption<string> ProxyFrom { get; } = OptionTable.ProxyFrom.Text(ServerDefaults.ProxyFrom.ToString(),
        "With --proxy-protocol: the proxies allowed to connect (others are closed at once).", "CIDR[,CIDR]",
        "addresses or CIDR ranges separated by commas (10.0.0.0/8,192.168.1.7,::1/128)", text => AddressRanges.TryParse(text, out _, out _));

    /// <summary>--status-path</summary>
    public SkeinOption<string> StatusPath { get; } = OptionTable.StatusPath.Text(null,
        "Serve a live status page at PATH (JSON with ?json), to loopback clients only. Off by default.", "PATH",
        "an absolute path like /skein-status", text => IsPath(text));

    /// <summary>--metrics-path</summary>
    public SkeinOption<string> MetricsPath { get; } = OptionTable.MetricsPath.Text(null,
        "Serve Prometheus metrics at PATH (e.g. /metrics), summed over worker processes, to loopback clients only. Off by default.", "PATH",
        "an absolute path like /metrics", text => IsPath(text));

    /// <summary>Every option, in help order.</summary>
    public IEnumerable<Option> All =>
    [
        Config, Model, Workers, Port, Host, Folder, Verbose, Delay, HeaderTimeout, KeepAliveTimeout, BodyTimeout,
        MinBodyRate, MinResponseRate, RateGrace, ShutdownTimeout, MaxConnections, Backlog, DeferAccept, NotSentLowWater, Queue, MaxStarting, MaxRequestLine, MaxTarget, MaxHeaderBytes, MaxHeaders,
        MaxBody, MaxChunkLine, AccessLog, HealthPath, ProxyProtocol, ProxyFrom, StatusPath, MetricsPath,
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

    /// <summary>Builds the server options. The values were checked while parsing; <see cref="ServerOptions.Validate"/>
    /// still runs and throws <see cref="ArgumentException"/> if a check here and there ever disagree.</summary>
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
        // --access-log alone is standard output; -v without --access-log logs each request to standard error.
        var verbose = result.GetValue(Verbose);
        var accessLog = result.GetResult(AccessLog) is { Implicit: false } given
            ? given.Tokens.Count == 0 ? ServerOptions.AccessLogToStdout : result.GetValue(AccessLog)
            : verbose ? ServerOptions.AccessLogToStderr : null;
        return new ServerOptions
        {
            Model = result.GetValue(Model),
            Workers = result.GetValue(Workers),
            Host = result.GetValue(Host)!,
            Port = result.GetValue(Port),
            Backlog = result.GetValue(Backlog),
            DeferAccept = result.GetValue(DeferAccept),
            NotSentLowWater = result.GetValue(NotSentLowWater),
            Limits = limits,
            HeaderTimeout = result.GetValue(HeaderTimeout),
            KeepAliveTimeout = result.GetValue(KeepAliveTimeout),
            BodyReadTimeout = result.GetValue(BodyTimeout),
            MinRequestBodyDataRate = Rate(result.GetValue(MinBodyRate), result.GetValue(RateGrace)),
            MinResponseDataRate = Rate(result.GetValue(MinResponseRate), result.GetValue(RateGrace)),
            ShutdownTimeout = result.GetValue(ShutdownTimeout),
            MaxConnections = result.GetValue(MaxConnections),
            QueueCapacity = result.GetValue(Queue),
            MaxStartingProcesses = result.GetValue(MaxStarting),
            Verbose = verbose,
            AccessLog = accessLog,
            ProxyProtocol = result.GetValue(ProxyProtocol),
            ProxyFrom = AddressRanges.Parse(result.GetValue(ProxyFrom)!),
            StatusPath = result.GetValue(StatusPath),
            MetricsPath = result.GetValue(MetricsPath),
            Folder = Path.GetFullPath(result.GetValue(Folder)!),
            HealthPath = result.GetValue(HealthPath) is var health && health == Off ? null : health,
        }.Validate();
    }

    /// <summary>Builds the site options (the folder is checked by the caller).</summary>
    public SiteOptions BindSite(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new SiteOptions { Root = Path.GetFullPath(result.GetValue(Folder)!), Delay = result.GetValue(Delay) };
    }

    private static long RateOf(MinDataRate? rate) => (long)(rate?.BytesPerSecond ?? 0);

    private static MinDataRate? Rate(long bytesPerSecond, TimeSpan grace) => bytesPerSecond == 0 ? null : new(bytesPerSecond, grace);

    // --health-path off: no health check.
    private const string Off = "off";

    // The server's own check decides what a health path is, so the two cannot disagree.
    private static bool IsHealthPath(string text)
    {
        try
        {
            _ = new ServerOptions { HealthPath = text == Off ? null : text }.Validate();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    // ServerOptions decides what a path it serves may look like, so the two cannot disagree.
    private static bool IsPath(string text)
    {
        try
        {
            _ = new ServerOptions { StatusPath = text }.Validate();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    // The server's own parser decides what a host is (ServerOptions.BindAddress), so the two cannot disagree.
    private static bool IsHost(string text)
    {
        try
        {
            _ = new ServerOptions { Host = text }.BindAddress;
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
