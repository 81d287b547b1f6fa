// The server's settings: typed, validated once, each default with the place it comes from. This file
// does not parse command lines (Skein.Cli does) and knows nothing of the application being served.
using System.Net;
using Skein.Http;
using Skein.Http.Proxy;
using Skein.Server.Lifecycle;
using Skein.Server.Models;

namespace Skein.Server;

/// <summary>
/// Everything a Skein server needs to know at start-up. Build one (the CLI does it from options), call
/// <see cref="Validate"/> once, and pass it to <see cref="ServerContext"/>. Nothing past the CLI sees strings.
/// </summary>
public sealed record ServerOptions
{
    /// <summary>The concurrency model. Default <see cref="ConcurrencyModel.Async"/>, the model the bundled
    /// site is meant to run on (event loops, like nginx and Node).</summary>
    public ConcurrencyModel Model { get; init; } = ConcurrencyModel.Async;

    /// <summary>Workers (threads, loops or processes, depending on the model); null for the model's default,
    /// see <see cref="DefaultWorkers"/>. Ignored by <see cref="ConcurrencyModel.Single"/> and
    /// <see cref="ConcurrencyModel.Thread"/>.</summary>
    public int? Workers { get; init; }

    /// <summary>The address to listen on: an IPv4 or IPv6 literal, or <c>localhost</c>. Default
    /// 127.0.0.1, so a development server is not reachable from the network unless asked.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The TCP port; 0 asks the kernel for a free one (tests). Default 8085, the seeds' port.</summary>
    public int Port { get; init; } = 8085;

    /// <summary>Listen backlog. By default <see cref="DefaultBacklog"/>, the kernel's ceiling: Go's net package
    /// listens with net.core.somaxconn too. nginx's 511 (NGX_LISTEN_BACKLOG) overflowed hundreds of times with
    /// 10,000 clients connecting at once; the seeds' 5 made bursts meet SYN drops and 1–63 s retries.</summary>
    public int Backlog { get => field == 0 ? DefaultBacklog : field; init; } // 0 (unset): the default, read when asked

    /// <summary>The default <see cref="Backlog"/>: net.core.somaxconn as this machine sets it (4,096 since
    /// Linux 5.4; the kernel caps any larger backlog at it), or 4,096 where it cannot be read. Read once per
    /// process, when first asked: a worker process, which never listens, does not read it.</summary>
    public static int DefaultBacklog => KernelMaxBacklog.Value;

    private static readonly Lazy<int> KernelMaxBacklog = new(Listener.KernelMaxBacklog);

    /// <summary>How long the kernel may hold a new connection back from accept until its first bytes arrive
    /// (TCP_DEFER_ACCEPT: nginx's <c>listen ... deferred</c>, which asks for 1 s; Apache's <c>AcceptFilter http
    /// data</c>, its default on Linux). An HTTP client speaks first, so the server is woken once, with the request
    /// already there: no read that finds nothing and no wait for it in the event loop (4.1 syscalls and a third less
    /// server CPU per <c>Connection: close</c> request than without it, docs/performance.md). A client that stays
    /// silent is accepted when the time has passed (the kernel counts it in SYN-ACK retransmissions: 1 s, 3 s,
    /// 7 s...), and then meets the header timeout as usual. 1 s; zero turns it off. Set on a socket Skein binds
    /// itself, not on one systemd passed (that is systemd's <c>DeferAcceptSec=</c>).</summary>
    public TimeSpan DeferAccept { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many bytes of responses the kernel may hold for a connection that it has not sent yet, before a
    /// send waits (TCP_NOTSENT_LOWAT, set on the listening socket, which every accepted one inherits; also on a
    /// socket systemd passed). Without it a send may queue the whole send buffer (up to 4 MiB by default) unsent,
    /// which a busy server holds per connection, and which on loopback leaves the sending to the client's system
    /// calls: each of its acknowledgements transmits the next segments on the client's CPU. With it the server
    /// refills the queue as it drains and sends in its own calls: against nginx (which has no setting for it) 2 MiB
    /// files went from level to 1.5x and 64 MiB ones to 2.6-2.8x (docs/performance.md, "The unsent bound").
    /// 16 KiB, the value Cloudflare recommends for the sysctl of the same name; zero leaves the kernel's default
    /// (net.ipv4.tcp_notsent_lowat, unlimited unless set). File bodies go uncorked under it (the queue is
    /// refilled in small steps, and a corked partial segment would wait there), corked without it, as nginx's
    /// <c>tcp_nopush</c>.</summary>
    public int NotSentLowWater { get; init; } = DefaultNotSentLowWater;

    /// <summary>The default <see cref="NotSentLowWater"/>: 16 KiB.</summary>
    public const int DefaultNotSentLowWater = 16 * 1024;

    /// <summary>The protocol limits the core enforces (request line, headers, body sizes).</summary>
    public HttpLimits Limits { get; init; } = HttpLimits.Default;

    /// <summary>Time allowed to receive a whole request head, from its first byte (from the accept, for the
    /// first request). Slow clients past it are disconnected (slowloris). 30 s, Kestrel's
    /// <c>RequestHeadersTimeout</c> (nginx's <c>client_header_timeout</c> is 60 s).</summary>
    public TimeSpan HeaderTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an idle keep-alive connection is kept waiting for its next request. 75 s, nginx's
    /// <c>keepalive_timeout</c> (Kestrel's <c>KeepAliveTimeout</c> is 130 s).</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(75);

    /// <summary>Longest wait between two reads of a request body. 60 s, nginx's <c>client_body_timeout</c>
    /// (also measured between successive reads, not for the whole body).</summary>
    public TimeSpan BodyReadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The slowest a client may send a request body, measured while the server waits for it; a
    /// slower one gets 408 and is closed. Null turns the rule off (the body timeout still applies).
    /// <see cref="MinDataRate.Default"/>: 240 bytes/s after 5 s, Kestrel's <c>MinRequestBodyDataRate</c>.</summary>
    public MinDataRate? MinRequestBodyDataRate { get; init; } = MinDataRate.Default;

    /// <summary>The slowest a client may take a response: each send of n bytes may wait
    /// <see cref="MinDataRate.TimeAllowed"/>(n) for the client, after which the connection is dropped (a
    /// client that stops reading no longer holds a thread or process forever). Null turns it off.
    /// <see cref="MinDataRate.Default"/>: 240 bytes/s after 5 s, Kestrel's <c>MinResponseDataRate</c>.</summary>
    public MinDataRate? MinResponseDataRate { get; init; } = MinDataRate.Default;

    /// <summary>Most connections open at once in this process; the next one gets a 503 and is closed.
    /// 16,384: well above the 10,000-client comet test. Kestrel's <c>MaxConcurrentConnections</c> is
    /// unlimited; nginx allows <c>worker_connections</c> (512, 1024 in its stock nginx.conf) per worker.</summary>
    public int MaxConnections { get; init; } = 16_384;

    /// <summary>Thread-pool model: accepted connections that may wait for a free worker; process model:
    /// connections that may wait for a process to start; single and each process-pool worker: connections taken
    /// while its thread waits for its client (Lifecycle/WaitingLine). Beyond that they get a quick 503. 511, the depth of
    /// nginx's listen backlog (NGX_LISTEN_BACKLOG).</summary>
    public int QueueCapacity { get; init; } = 511;

    /// <summary>Process model: most worker processes starting at once; connections that find no ready spare
    /// wait (up to <see cref="QueueCapacity"/>) for one of those. Starting a process is CPU work, so a burst
    /// meets a queue and then 503s instead of a fork storm. 32, php-fpm's <c>pm.max_spawn_rate</c> and Apache
    /// prefork's <c>MAX_SPAWN_RATE</c> (the most children either starts in one go).</summary>
    public int MaxStartingProcesses { get; init; } = 32;

    /// <summary>How long a graceful shutdown lets in-flight requests finish before aborting them. 30 s,
    /// .NET's <c>HostOptions.ShutdownTimeout</c> (nginx's <c>worker_shutdown_timeout</c> is unbounded).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Log at Debug level, every line with connection id, pid and thread id.</summary>
    public bool Verbose { get; init; }

    /// <summary>Where the access log (Combined Log Format) goes: null for off (the default, as benchmarks
    /// want), <see cref="AccessLogToStdout"/> for standard output, otherwise a file path (appended).</summary>
    public string? AccessLog { get; init; }

    /// <summary>The value of <see cref="AccessLog"/> that means standard output.</summary>
    public const string AccessLogToStdout = "-";

    /// <summary>The value of <see cref="AccessLog"/> that means standard error (where <c>skein serve -v</c> logs
    /// each request, beside its other log lines).</summary>
    public const string AccessLogToStderr = "/dev/stderr";

    /// <summary>The document root the application serves, for the start-up log line and for worker
    /// processes that rebuild the application; the server itself never reads it.</summary>
    public string? Folder { get; init; }

    /// <summary>The path of the health check load balancers poll (<see cref="Lifecycle.HealthEndpoint"/>): 200 while
    /// serving, 503 while shutting down. Default <c>/healthz</c>, the name Kubernetes and Google's load balancers
    /// use; null for none (the path then goes to the application like any other).</summary>
    public string? HealthPath { get; init; } = "/healthz";

    /// <summary>Every connection starts with a PROXY protocol header (v1 or v2, as HAProxy sends with
    /// <c>send-proxy</c>/<c>send-proxy-v2</c>) that names the real client: the access log and handlers see that
    /// address. A connection without a valid header, or from a peer outside <see cref="ProxyFrom"/>, is closed
    /// without a response. Default off (nginx's <c>listen ... proxy_protocol</c> is off by default too).</summary>
    public bool ProxyProtocol { get; init; }

    /// <summary>With <see cref="ProxyProtocol"/>: the peers (the proxies) allowed to connect. Default loopback
    /// only (127.0.0.0/8, ::1): a proxy elsewhere must be named, so no other host can forge client addresses.</summary>
    public AddressRanges ProxyFrom { get; init; } = AddressRanges.Loopback;

    /// <summary>Where the live status page is served (HTML; JSON with <c>?json</c> or <c>Accept: application/json</c>),
    /// to loopback clients only; null (the default) for off, as Apache's mod_status and nginx's stub_status are.</summary>
    public string? StatusPath { get; init; }

    /// <summary>Where Prometheus metrics are served (text format), to loopback clients only; null (the default)
    /// for off. For the process models the figures are summed over the worker processes.</summary>
    public string? MetricsPath { get; init; }

    /// <summary>The most workers <see cref="Validate"/> accepts: far past what one machine runs usefully.</summary>
    public const int MaxWorkers = 10_000;

    /// <summary>The worker count this model runs with: <see cref="Workers"/> if set, else the default.</summary>
    public int EffectiveWorkers => Workers ?? DefaultWorkers(Model);

    /// <summary>
    /// The default for <c>-w</c>: 1 for single; unbounded for thread (one per connection, reported as 0);
    /// 200 threads for thread-pool (Tomcat's and Jetty's <c>maxThreads</c>); one loop or process per core
    /// for async and hybrid (nginx's <c>worker_processes auto</c>, Netty's cores); 2 × cores + 1 for
    /// process-pool (gunicorn's recommended sync worker count); 4 spare processes for process.
    /// </summary>
    public static int DefaultWorkers(ConcurrencyModel model) => model switch
    {
        ConcurrencyModel.Single => 1,
        ConcurrencyModel.Thread => 0,
        ConcurrencyModel.ThreadPool => 200,
        ConcurrencyModel.Process => 4,
        ConcurrencyModel.ProcessPool => 2 * Environment.ProcessorCount + 1,
        ConcurrencyModel.Async or ConcurrencyModel.Hybrid => Environment.ProcessorCount,
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, null),
    };

    /// <summary>The address to bind, parsed from <see cref="Host"/>.</summary>
    public IPAddress BindAddress => ParseHost(Host);

    /// <summary>Checks every value once; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public ServerOptions Validate()
    {
        if (!Enum.IsDefined(Model))
        {
            throw new ArgumentOutOfRangeException(nameof(Model), Model, "unknown concurrency model");
        }
        if (Workers is { } workers)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1, nameof(Workers));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(workers, MaxWorkers, nameof(Workers));
        }
        _ = ParseHost(Host);
        ArgumentOutOfRangeException.ThrowIfNegative(Port, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfLessThan(Backlog, 1, nameof(Backlog));
        RequireNotNegative(DeferAccept, nameof(DeferAccept));
        ArgumentOutOfRangeException.ThrowIfNegative(NotSentLowWater, nameof(NotSentLowWater));
        Limits.Validate();
        RequirePositive(HeaderTimeout, nameof(HeaderTimeout));
        RequirePositive(KeepAliveTimeout, nameof(KeepAliveTimeout));
        RequirePositive(BodyReadTimeout, nameof(BodyReadTimeout));
        MinRequestBodyDataRate?.Validate(nameof(MinRequestBodyDataRate));
        MinResponseDataRate?.Validate(nameof(MinResponseDataRate));
        RequireNotNegative(ShutdownTimeout, nameof(ShutdownTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1, nameof(MaxConnections));
        ArgumentOutOfRangeException.ThrowIfLessThan(QueueCapacity, 1, nameof(QueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStartingProcesses, 1, nameof(MaxStartingProcesses));
        if (HealthPath is { } health && (!health.StartsWith('/') || !System.Text.Ascii.IsValid(health) || health.Any(char.IsWhiteSpace)))
        {
            throw new ArgumentException($"'{health}' is not a path (it must start with / and be ASCII without spaces)", nameof(HealthPath));
        }
        ArgumentNullException.ThrowIfNull(ProxyFrom, nameof(ProxyFrom));
        RequirePath(StatusPath, nameof(StatusPath));
        RequirePath(MetricsPath, nameof(MetricsPath));
        if (StatusPath is not null && StatusPath == MetricsPath)
        {
            throw new ArgumentException("the status page and the metrics need paths of their own", nameof(MetricsPath));
        }
        return this;
    }

    /// <summary>True when the server counts its work for the status page or metrics.</summary>
    public bool Observed => StatusPath is not null || MetricsPath is not null;

    // A path the router can match as the core leaves it: absolute, without query, dot segments or encoding.
    private static void RequirePath(string? path, string name)
    {
        if (path is not null && (path.Length < 2 || path[0] != '/' || path.AsSpan().IndexOfAny("?#%\\ ") >= 0
            || path.Contains("/./", StringComparison.Ordinal) || path.Contains("/../", StringComparison.Ordinal) || path.EndsWith("/..", StringComparison.Ordinal)))
        {
            throw new ArgumentException($"'{path}' is not a plain absolute path like /skein-status", name);
        }
    }

    private static void RequireNotNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, "must not be negative");
        }
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(name, value, "must be positive");
        }
    }

    private static IPAddress ParseHost(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }
        // Accept "[::1]" as well as "::1": people copy addresses out of URLs.
        var literal = host.Length > 2 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;
        return IPAddress.TryParse(literal, out var address)
            ? address
            : throw new ArgumentException($"'{host}' is not an IP address (use an IPv4 or IPv6 literal, or localhost)", nameof(host));
    }
}
