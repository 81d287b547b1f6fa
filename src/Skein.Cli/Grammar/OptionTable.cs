// The option table: every option name of every skein command, in one place, with the one meaning of each
// letter. Commands build their options from these rows (OptionName's builders), a config file will use
// the names as keys, `skein --help` and the README print the letter table from here, and a test walks
// every command to check that no letter has two meanings. It holds names, not values or defaults: a
// default belongs to the command that uses the option.
//
// A new option: reuse a row if the name already means what you need (--timeout, --json, -n); otherwise add
// a row below (and to All) with a letter only if no row has it, then build the option from the row in the
// command (`OptionTable.Rate.PositiveNumber(...)`, `OptionTable.Timeout.Duration(...)`).
namespace Skein.Cli.Grammar;

/// <summary>Every option name and letter of the <c>skein</c> program.</summary>
public static class OptionTable
{
    // Letters. Each means one thing wherever it appears; an option without a letter has only its long form.
    // -c, -d, -t, -R and -H are wrk's; -n is ab's count of clients; -p, -f, -v, -w are the server's usual ones.

    /// <summary>-m: the concurrency model (serve).</summary>
    public static readonly OptionName Model = new("model", 'm', "concurrency model");

    /// <summary>-w: threads, event loops or processes (serve).</summary>
    public static readonly OptionName Workers = new("workers", 'w', "worker threads, loops or processes");

    /// <summary>-p: the TCP port to listen on (serve).</summary>
    public static readonly OptionName Port = new("port", 'p', "TCP port");

    /// <summary>-f: the folder to serve (serve).</summary>
    public static readonly OptionName Folder = new("folder", 'f', "folder to serve");

    /// <summary>-v: more output (serve: debug log and every request).</summary>
    public static readonly OptionName Verbose = new("verbose", 'v', "more output");

    /// <summary>-c: connections kept open (bench).</summary>
    public static readonly OptionName Connections = new("connections", 'c', "connections held open");

    /// <summary>-t: load threads (bench).</summary>
    public static readonly OptionName Threads = new("threads", 't', "load threads");

    /// <summary>-d: how long a run lasts (bench).</summary>
    public static readonly OptionName Duration = new("duration", 'd', "length of the run");

    /// <summary>-R: a constant request rate (bench).</summary>
    public static readonly OptionName Rate = new("rate", 'R', "requests per second");

    /// <summary>-H: an extra request header (bench).</summary>
    public static readonly OptionName Header = new("header", 'H', "extra request header");

    /// <summary>-n: concurrent clients, one request each (probe, comet).</summary>
    public static readonly OptionName Clients = new("clients", 'n', "concurrent clients");

    /// <summary>-i: request /io (probe).</summary>
    public static readonly OptionName Io = new("io", 'i', "GET /io");

    /// <summary>-h: help (every command; System.CommandLine adds it).</summary>
    public static readonly OptionName Help = new("help", 'h', "help");

    // Long forms only.

    /// <summary>--host (serve).</summary>
    public static readonly OptionName Host = new("host", null, "address to listen on");

    /// <summary>--delay (serve).</summary>
    public static readonly OptionName Delay = new("delay", null, "delay added to every request");

    /// <summary>--header-timeout (serve).</summary>
    public static readonly OptionName HeaderTimeout = new("header-timeout", null, "time to receive a request head");

    /// <summary>--keepalive-timeout (serve).</summary>
    public static readonly OptionName KeepAliveTimeout = new("keepalive-timeout", null, "idle keep-alive time");

    /// <summary>--body-timeout (serve).</summary>
    public static readonly OptionName BodyTimeout = new("body-timeout", null, "time between body reads");

    /// <summary>--shutdown-timeout (serve).</summary>
    public static readonly OptionName ShutdownTimeout = new("shutdown-timeout", null, "time to finish at shutdown");

    /// <summary>--min-body-rate (serve).</summary>
    public static readonly OptionName MinBodyRate = new("min-body-rate", null, "slowest request body");

    /// <summary>--min-response-rate (serve).</summary>
    public static readonly OptionName MinResponseRate = new("min-response-rate", null, "slowest response reader");

    /// <summary>--rate-grace (serve).</summary>
    public static readonly OptionName RateGrace = new("rate-grace", null, "time before a minimum rate applies");

    /// <summary>--max-connections (serve).</summary>
    public static readonly OptionName MaxConnections = new("max-connections", null, "most open connections");

    /// <summary>--backlog (serve).</summary>
    public static readonly OptionName Backlog = new("backlog", null, "listen backlog");

    /// <summary>--defer-accept (serve).</summary>
    public static readonly OptionName DeferAccept = new("defer-accept", null, "time a silent connection waits in the kernel");

    /// <summary>--notsent-lowat (serve).</summary>
    public static readonly OptionName NotSentLowWater = new("notsent-lowat", null, "unsent bytes the kernel holds per connection");

    /// <summary>--queue (serve).</summary>
    public static readonly OptionName Queue = new("queue", null, "connections waiting for a worker");

    /// <summary>--max-starting (serve).</summary>
    public static readonly OptionName MaxStarting = new("max-starting", null, "processes starting at once");

    /// <summary>--max-request-line (serve).</summary>
    public static readonly OptionName MaxRequestLine = new("max-request-line", null, "longest request line");

    /// <summary>--max-target (serve).</summary>
    public static readonly OptionName MaxTarget = new("max-target", null, "longest request target");

    /// <summary>--max-header-bytes (serve).</summary>
    public static readonly OptionName MaxHeaderBytes = new("max-header-bytes", null, "largest header section");

    /// <summary>--max-headers (serve).</summary>
    public static readonly OptionName MaxHeaders = new("max-headers", null, "most header fields");

    /// <summary>--max-body (serve).</summary>
    public static readonly OptionName MaxBody = new("max-body", null, "largest request body");

    /// <summary>--max-chunk-line (serve).</summary>
    public static readonly OptionName MaxChunkLine = new("max-chunk-line", null, "longest chunk-size line");

    /// <summary>--access-log (serve).</summary>
    public static readonly OptionName AccessLog = new("access-log", null, "access log destination");

    /// <summary>--health-path (serve).</summary>
    public static readonly OptionName HealthPath = new("health-path", null, "load balancers' health check");

    /// <summary>--config (serve): a JSON file whose keys are these rows' names.</summary>
    public static readonly OptionName Config = new("config", null, "configuration file");

    /// <summary>--proxy-protocol (serve).</summary>
    public static readonly OptionName ProxyProtocol = new("proxy-protocol", null, "PROXY protocol header");

    /// <summary>--proxy-from (serve).</summary>
    public static readonly OptionName ProxyFrom = new("proxy-from", null, "proxies allowed");

    /// <summary>--status-path (serve).</summary>
    public static readonly OptionName StatusPath = new("status-path", null, "status page path");

    /// <summary>--metrics-path (serve).</summary>
    public static readonly OptionName MetricsPath = new("metrics-path", null, "Prometheus metrics path");

    /// <summary>--close (bench).</summary>
    public static readonly OptionName Close = new("close", null, "a connection per request");

    /// <summary>--timeout (bench, probe, comet, send): how long the tool waits before it gives up.</summary>
    public static readonly OptionName Timeout = new("timeout", null, "time before giving up");

    /// <summary>--json (bench, probe, comet).</summary>
    public static readonly OptionName Json = new("json", null, "JSON output");

    /// <summary>--hgrm (bench).</summary>
    public static readonly OptionName Hgrm = new("hgrm", null, "latency distribution file");

    /// <summary>--cpu (probe).</summary>
    public static readonly OptionName Cpu = new("cpu", null, "GET /cpu");

    /// <summary>--path (probe).</summary>
    public static readonly OptionName Path = new("path", null, "path to GET");

    /// <summary>--no-ideal (probe).</summary>
    public static readonly OptionName NoIdeal = new("no-ideal", null, "skip the ideal");

    /// <summary>--cores (probe).</summary>
    public static readonly OptionName Cores = new("cores", null, "the server's cores");

    /// <summary>--connect-concurrency (comet).</summary>
    public static readonly OptionName ConnectConcurrency = new("connect-concurrency", null, "connects in flight");

    /// <summary>--keep-open (send).</summary>
    public static readonly OptionName KeepOpen = new("keep-open", null, "wait past the response");

    /// <summary>--quick (lab): the smallest preset.</summary>
    public static readonly OptionName Quick = new("quick", null, "smallest preset");

    /// <summary>--full (lab): the largest preset.</summary>
    public static readonly OptionName Full = new("full", null, "largest preset");

    /// <summary>--workloads (lab).</summary>
    public static readonly OptionName Workloads = new("workloads", null, "workloads to run");

    /// <summary>--rounds (lab).</summary>
    public static readonly OptionName Rounds = new("rounds", null, "rounds per figure");

    /// <summary>--peer (lab).</summary>
    public static readonly OptionName Peer = new("peer", null, "peer server to start");

    /// <summary>--target (lab).</summary>
    public static readonly OptionName Target = new("target", null, "running server to measure");

    /// <summary>-o: the folder a report is written to (lab).</summary>
    public static readonly OptionName Output = new("output", 'o', "output folder");

    /// <summary>--version (the root command; System.CommandLine adds it).</summary>
    public static readonly OptionName Version = new("version", null, "program version");

    /// <summary>Every row, letters first.</summary>
    public static IReadOnlyList<OptionName> All { get; } =
    [
        Model, Workers, Port, Folder, Verbose, Connections, Threads, Duration, Rate, Header, Clients, Io, Output, Help,
        Host, Delay, HeaderTimeout, KeepAliveTimeout, BodyTimeout, MinBodyRate, MinResponseRate, RateGrace,
        ShutdownTimeout, MaxConnections, Backlog, DeferAccept, NotSentLowWater, Queue,
        MaxStarting, MaxRequestLine, MaxTarget, MaxHeaderBytes, MaxHeaders, MaxBody, MaxChunkLine, AccessLog, HealthPath, Config, ProxyProtocol, ProxyFrom, StatusPath, MetricsPath, Close, Timeout,
        Json, Hgrm, Cpu, Path, NoIdeal, Cores, ConnectConcurrency, KeepOpen, Quick, Full, Workloads, Rounds, Peer, Target,
        Version,
    ];

    /// <summary>The row named <paramref name="name"/> (without dashes), or null.</summary>
    public static OptionName? Find(string name) => All.FirstOrDefault(row => row.Name == name);
}
