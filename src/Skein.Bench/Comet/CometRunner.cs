// CometRunner: the comet server's test from the seeds (naglfar's testScheduledServer): N clients long-poll
// GET {base}/wait, the tool waits until GET {base}/waiters reports all N, sends one GET {base}/notify, and
// every waiter must then be answered with N. It measures the time to get all N connected and registered
// and the time from the notify to the last answer. It is not a load generator: each client sends exactly
// one request. Rendering lives in CometReport.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Skein.Bench.Http;
using Skein.Bench.Load;

namespace Skein.Bench.Comet;

/// <summary>Settings of one comet test.</summary>
public sealed record CometSettings
{
    /// <summary>Base URL: its path (without a trailing slash) is the prefix of /wait, /notify and /waiters.</summary>
    public required Uri Url { get; init; }

    /// <summary>Long-polling clients (default 1,000; the seed ran 10,000).</summary>
    public int Clients { get; init; } = 1000;

    /// <summary>
    /// Connects in flight at once (default 128): well under the listen backlog of nginx (511) and Skein (net.core.somaxconn),
    /// so a burst does not overflow the server's accept queue and turn into 1 s SYN retries.
    /// </summary>
    public int ConnectConcurrency { get; init; } = 128;

    /// <summary>Deadline for each phase: all connected and registered, and all answered (default 60 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often /waiters is polled while clients register (default 20 ms).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The path of one of the app's endpoints under <see cref="Url"/>.</summary>
    public string PathOf(string endpoint) => Url.AbsolutePath.TrimEnd('/') + "/" + endpoint;
}

/// <summary>How a waiting client failed.</summary>
public enum CometFailure
{
    /// <summary>Could not connect or send its request.</summary>
    Connect,

    /// <summary>The connection closed or failed before a whole answer.</summary>
    Read,

    /// <summary>No answer before the deadline.</summary>
    Timeout,

    /// <summary>An answer that is not 200 with the body N.</summary>
    WrongAnswer,
}

/// <summary>What a comet test measured.</summary>
/// <param name="Settings">The settings used.</param>
/// <param name="Connected">Clients that connected and sent their request.</param>
/// <param name="ConnectAll">From the start until every client had connected and sent /wait.</param>
/// <param name="Registered">From the start until /waiters reported N (null if it never did or is not served).</param>
/// <param name="NotifyAnswer">The /notify response body (the count it released), or null if it failed.</param>
/// <param name="NotifyToLastAnswer">From sending /notify until the last waiter's answer arrived.</param>
/// <param name="Succeeded">Waiters answered 200 with body N.</param>
/// <param name="Failures">Failed waiters by kind.</param>
/// <param name="Messages">Problems worth showing (first few per kind, and the phases that went wrong).</param>
public sealed record CometResult(
    CometSettings Settings,
    int Connected,
    TimeSpan ConnectAll,
    TimeSpan? Registered,
    string? NotifyAnswer,
    TimeSpan NotifyToLastAnswer,
    int Succeeded,
    IReadOnlyDictionary<CometFailure, int> Failures,
    IReadOnlyList<string> Messages)
{
    /// <summary>True when every client got the right answer and /notify reported N.</summary>
    public bool Passed => Succeeded == Settings.Clients && NotifyAnswer == Settings.Clients.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Runs the comet test.</summary>
public static class CometRunner
{
    /// <summary>Descriptors kept free for /waiters, /notify and the runtime (64).</summary>
    public const int SpareDescriptors = 64;

    /// <summary>
    /// Checks that this process may open one socket per client (raising its soft limit to the hard one if
    /// needed) and that the ephemeral port range can hold them. Returns a message saying what is too low
    /// and how to fix it, or null when all is well.
    /// </summary>
    public static string? CheckCapacity(int clients)
    {
        long needed = clients + SpareDescriptors;
        long soft = FileDescriptorLimit.TryRaise(needed);
        if (soft < needed)
        {
            var limits = FileDescriptorLimit.Read();
            return string.Create(CultureInfo.InvariantCulture,
                $"the open-file limit is {soft} (hard limit {limits?.Hard}); {clients} clients need about {needed}. " +
                $"Raise it (e.g. `ulimit -n {needed}` as root, or `ulimit -Hn` first), or use fewer clients.");
        }
        int? ports = EphemeralPortCount();
        if (ports is { } available && available < clients)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"only {available} ephemeral ports (net.ipv4.ip_local_port_range) for {clients} connections to one server; widen the range or use fewer clients.");
        }
        return null;
    }

    /// <summary>Runs the test. Call <see cref="CheckCapacity"/> first for a clear message about limits.</summary>
    /// <exception cref="SocketException">The host does not resolve.</exception>
    public static async Task<CometResult> RunAsync(CometSettings settings, IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Clients, 1);
        var endpoint = new IPEndPoint(LoadGenerator.Resolve(settings.Url), settings.Url.Port);
        int n = settings.Clients;
        string expected = n.ToString(CultureInfo.InvariantCulture);
        var waitRequest = HttpExchange.Get(settings.Url, settings.PathOf("wait"), close: true);
        var messages = new List<string>();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var gate = new SemaphoreSlim(settings.ConnectConcurrency);
        int connected = 0;
        int attempted = 0;
        var allSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var outcomes = new Task<Outcome>[n];
        long start = Stopwatch.GetTimestamp();
        long lastAnswer = 0;

        async Task<Outcome> WaiterAsync()
        {
            using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            bool sent = false;
            try
            {
                await gate.WaitAsync(stop.Token).ConfigureAwait(false);
                try
                {
                    await socket.ConnectAsync(endpoint, stop.Token).ConfigureAwait(false);
                    await socket.SendAsync(waitRequest, SocketFlags.None, stop.Token).ConfigureAwait(false);
                    sent = true;
                }
                finally
                {
                    gate.Release();
                }
            }
            catch (SocketException e)
            {
                CountSent();
                return new Outcome(CometFailure.Connect, e.Message);
            }
            catch (OperationCanceledException)
            {
                CountSent();
                return new Outcome(CometFailure.Timeout, "not connected before the deadline");
            }
            CountSent();
            try
            {
                var reply = await HttpExchange.ReadAsync(socket, stop.Token).ConfigureAwait(false);
                long now = Stopwatch.GetTimestamp();
                InterlockedMax(ref lastAnswer, now);
                return reply.Status == 200 && reply.BodyText == expected
                    ? new Outcome(null, null)
                    : new Outcome(CometFailure.WrongAnswer, $"answer {reply.Status} '{Truncate(reply.BodyText)}', expected 200 '{expected}'");
            }
            catch (OperationCanceledException)
            {
                return new Outcome(CometFailure.Timeout, "no answer before the deadline");
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                return new Outcome(CometFailure.Read, e.Message);
            }

            void CountSent()
            {
                if (sent)
                {
                    Interlocked.Increment(ref connected);
                }
                if (Interlocked.Increment(ref attempted) == n)
                {
                    allSent.TrySetResult();
                }
            }
        }

        for (int i = 0; i < n; i++)
        {
            outcomes[i] = WaiterAsync();
        }

        // Phase 1: every client connected and sent /wait (or failed trying).
        var deadline = Task.Delay(settings.Timeout, cancel);
        if (await Task.WhenAny(allSent.Task, deadline).ConfigureAwait(false) != allSent.Task)
        {
            messages.Add($"not all clients connected within {settings.Timeout.TotalSeconds:0.#} s");
        }
        var connectAll = Stopwatch.GetElapsedTime(start);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"{Volatile.Read(ref connected)} of {n} connected in {connectAll.TotalMilliseconds:0} ms"));

        // Phase 2: the server has registered them all (GET /waiters = N). Sending /wait is not enough: the
        // server may not have read the request yet, and a /notify before that would miss the waiter.
        TimeSpan? registered = null;
        long pollUntil = start + (long)(settings.Timeout.TotalSeconds * Stopwatch.Frequency);
        string? lastCount = null;
        while (Stopwatch.GetTimestamp() < pollUntil && !cancel.IsCancellationRequested)
        {
            var reply = await OneShotAsync(endpoint, settings, "waiters", cancel).ConfigureAwait(false);
            if (reply is null || reply.Status != 200)
            {
                messages.Add(reply is null ? "GET /waiters failed" : $"GET /waiters answered {reply.Status}; notifying without knowing every waiter is registered");
                break;
            }
            lastCount = reply.BodyText;
            if (long.TryParse(lastCount, NumberStyles.Integer, CultureInfo.InvariantCulture, out long count) && count >= Volatile.Read(ref connected))
            {
                registered = Stopwatch.GetElapsedTime(start);
                if (count != n)
                {
                    messages.Add($"/waiters reports {count} waiting, expected {n}");
                }
                break;
            }
            await Task.Delay(settings.PollInterval, cancel).ConfigureAwait(false);
        }
        if (registered is null && lastCount is not null)
        {
            messages.Add($"/waiters still reported {lastCount} of {Volatile.Read(ref connected)} after {settings.Timeout.TotalSeconds:0.#} s");
        }
        progress?.Report(registered is { } r
            ? string.Create(CultureInfo.InvariantCulture, $"all registered after {r.TotalMilliseconds:0} ms; notifying")
            : "notifying");

        // Phase 3: one /notify, then every waiter must answer N.
        long notifyAt = Stopwatch.GetTimestamp();
        var notify = await OneShotAsync(endpoint, settings, "notify", cancel).ConfigureAwait(false);
        string? notifyAnswer = notify?.BodyText;
        if (notify is null)
        {
            messages.Add("GET /notify failed");
        }
        else if (notify.Status != 200 || notifyAnswer != expected)
        {
            messages.Add($"/notify answered {notify.Status} '{Truncate(notifyAnswer ?? "")}', expected 200 '{expected}'");
        }
        stop.CancelAfter(settings.Timeout);
        var results = await Task.WhenAll(outcomes).ConfigureAwait(false);
        long last = Volatile.Read(ref lastAnswer);
        var notifyToLast = last > notifyAt ? Stopwatch.GetElapsedTime(notifyAt, last) : TimeSpan.Zero;

        var failures = new Dictionary<CometFailure, int>();
        foreach (var group in results.Where(o => o.Failure is not null).GroupBy(o => o.Failure!.Value))
        {
            failures[group.Key] = group.Count();
            foreach (var sample in group.Select(o => o.Message).Distinct().Take(3))
            {
                messages.Add($"{group.Key}: {sample}");
            }
        }
        return new CometResult(settings, Volatile.Read(ref connected), connectAll, registered, notifyAnswer, notifyToLast,
            results.Count(o => o.Failure is null), failures, messages);
    }

    private static async Task<HttpReply?> OneShotAsync(IPEndPoint endpoint, CometSettings settings, string endpointName, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(settings.Timeout);
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, deadline.Token).ConfigureAwait(false);
            return await HttpExchange.SendAsync(socket, HttpExchange.Get(settings.Url, settings.PathOf(endpointName), close: true), deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current = Volatile.Read(ref target);
        while (value > current)
        {
            long seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    /// <summary>A body fit for one line of a report: line breaks as spaces, at most 40 characters.</summary>
    internal static string Truncate(string text)
    {
        string line = text.ReplaceLineEndings(" ");
        return line.Length <= 40 ? line : line[..40] + "...";
    }

    private static int? EphemeralPortCount()
    {
        const string path = "/proc/sys/net/ipv4/ip_local_port_range";
        if (!File.Exists(path))
        {
            return null;
        }
        var parts = File.ReadAllText(path).Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out int low) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out int high)
            ? high - low + 1
            : null;
    }

    private readonly record struct Outcome(CometFailure? Failure, string? Message);
}
