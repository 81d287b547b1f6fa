// ProbeRunner: the seeds' test_my_server: N clients each send one GET at the same moment on their own
// connection; the time of each answer, the total, the spread, and the "ideal" (one request alone) show
// how much concurrency a server really has. It measures; ProbeReport renders.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Skein.Bench.Http;
using Skein.Bench.Load;

namespace Skein.Bench.Probe;

/// <summary>Settings of one probe.</summary>
public sealed record ProbeSettings
{
    /// <summary>Server and path to GET (the seeds used /io and /cpu).</summary>
    public required Uri Url { get; init; }

    /// <summary>Concurrent clients, one request each (default 10, the README's example).</summary>
    public int Clients { get; init; } = 10;

    /// <summary>Give up on a request after this long (default 60 s: a single-threaded server answering
    /// 10 one-second /io requests in turn needs 10 s, and a slow one more).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Measure one request alone first (the faster of two), as the ideal to compare the total with.</summary>
    public bool MeasureIdeal { get; init; } = true;

    /// <summary>What the requested path does, which decides the ideal: work that waits (/io) can all overlap;
    /// work that computes (/cpu) shares the server's cores.</summary>
    public ProbeWork Work { get; init; } = ProbeWork.Unknown;

    /// <summary>The server's CPU cores, for the ideal of CPU-bound work. Default: this machine's, which is the
    /// server's when it runs on loopback.</summary>
    public int ServerCores { get; init; } = Environment.ProcessorCount;
}

/// <summary>What a probed request makes the server do.</summary>
public enum ProbeWork
{
    /// <summary>Not known (any path): both ideals are shown.</summary>
    Unknown,

    /// <summary>It waits without computing (/io): N requests can all be served in the time of one.</summary>
    Waits,

    /// <summary>It computes (/cpu): N requests on C cores take ceil(N / C) times one at best.</summary>
    Computes,
}

/// <summary>One client's request.</summary>
/// <param name="Client">Client number, from 1.</param>
/// <param name="Status">Status code, or null when the request failed.</param>
/// <param name="Elapsed">From the common start to the end of the response (or the failure).</param>
/// <param name="Error">What failed, or null.</param>
public readonly record struct ProbeSample(int Client, int? Status, TimeSpan Elapsed, string? Error);

/// <summary>What a probe measured.</summary>
/// <param name="Settings">The settings used.</param>
/// <param name="Samples">Every client's request, in the order they finished.</param>
/// <param name="Total">From the common start until the last request finished.</param>
/// <param name="Ideal">Time of one request alone (null when not measured or it failed): what the total
/// would be if the server served all the clients at once without slowing down.</param>
public sealed record ProbeResult(ProbeSettings Settings, IReadOnlyList<ProbeSample> Samples, TimeSpan Total, TimeSpan? Ideal)
{
    /// <summary>Slowest minus fastest successful request.</summary>
    public TimeSpan Spread
    {
        get
        {
            var ok = Samples.Where(s => s.Status is not null).Select(s => s.Elapsed).ToList();
            return ok.Count == 0 ? TimeSpan.Zero : ok.Max() - ok.Min();
        }
    }

    /// <summary>Requests that failed (no response).</summary>
    public int Failed => Samples.Count(s => s.Status is null);

    /// <summary>The ideal for CPU-bound work: the server's cores each serve their share of the clients one
    /// after another, so the last finishes after ceil(N / cores) times one request alone. Null without an ideal.</summary>
    public TimeSpan? IdealOnCores => Ideal * (int)Math.Ceiling(Settings.Clients / (double)Math.Max(1, Settings.ServerCores));
}

/// <summary>Runs probes.</summary>
public static class ProbeRunner
{
    /// <summary>Runs the probe; <paramref name="onSample"/> is called as each request finishes.</summary>
    /// <exception cref="SocketException">The host does not resolve.</exception>
    public static async Task<ProbeResult> RunAsync(ProbeSettings settings, Action<ProbeSample>? onSample = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Clients, 1);
        var endpoint = new IPEndPoint(LoadGenerator.Resolve(settings.Url), settings.Url.Port);
        FileDescriptorLimit.TryRaise(settings.Clients + 64);
        var request = HttpExchange.Get(settings.Url, settings.Url.PathAndQuery, close: true);

        TimeSpan? ideal = null;
        if (settings.MeasureIdeal)
        {
            // Twice, keeping the faster: the first also pays for this process's JIT and the server's warm-up.
            for (int i = 0; i < 2; i++)
            {
                var alone = await OneAsync(0, endpoint, request, Stopwatch.GetTimestamp(), settings.Timeout, cancel).ConfigureAwait(false);
                if (alone.Status is not null && (ideal is null || alone.Elapsed < ideal))
                {
                    ideal = alone.Elapsed;
                }
            }
        }

        var samples = new List<ProbeSample>(settings.Clients);
        var gate = new Lock();
        long start = Stopwatch.GetTimestamp();
        var tasks = Enumerable.Range(1, settings.Clients).Select(async client =>
        {
            var sample = await OneAsync(client, endpoint, request, start, settings.Timeout, cancel).ConfigureAwait(false);
            lock (gate)
            {
                samples.Add(sample);
                onSample?.Invoke(sample);
            }
        }).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return new ProbeResult(settings, samples, Stopwatch.GetElapsedTime(start), ideal);
    }

    private static async Task<ProbeSample> OneAsync(int client, IPEndPoint endpoint, byte[] request, long start, TimeSpan timeout, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, deadline.Token).ConfigureAwait(false);
            var reply = await HttpExchange.SendAsync(socket, request, deadline.Token).ConfigureAwait(false);
            return new ProbeSample(client, reply.Status, Stopwatch.GetElapsedTime(start), null);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return new ProbeSample(client, null, Stopwatch.GetElapsedTime(start), $"no response within {timeout.TotalSeconds:0.###} s");
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return new ProbeSample(client, null, Stopwatch.GetElapsedTime(start), e.Message);
        }
    }
}
