// LoadGenerator: runs one load (the engine behind `skein bench`): resolves the target, starts the load
// threads, reports progress from the calling thread, merges the threads' histograms and counters. It does
// not print anything; Reports/ renders the result.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Skein.Bench.Latency;

namespace Skein.Bench.Load;

/// <summary>Generates HTTP/1.1 load against one URL, closed-loop or at a constant rate.</summary>
public static class LoadGenerator
{
    /// <summary>How often <c>onProgress</c> is called: 100 ms, smooth enough for a progress bar.</summary>
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Runs the load described by <paramref name="settings"/> and returns what it measured. Blocks the
    /// calling thread for the duration, calling <paramref name="onProgress"/> on it periodically.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    /// <exception cref="SocketException">The host name does not resolve.</exception>
    public static LoadResult Run(LoadSettings settings, Action<LoadProgress>? onProgress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var plan = new LoadPlan(settings, Resolve(settings.Url));
        FileDescriptorLimit.TryRaise(settings.Connections + 64);

        var workers = new LoadWorker[settings.Threads];
        try
        {
            for (int t = 0; t < workers.Length; t++)
            {
                // Connections are shared out as evenly as possible (wrk gives each thread c/t).
                int share = (settings.Connections / settings.Threads) + (t < settings.Connections % settings.Threads ? 1 : 0);
                workers[t] = new LoadWorker(plan, share);
            }

            long start = Stopwatch.GetTimestamp();
            long end = start + (long)(settings.Duration.TotalSeconds * Stopwatch.Frequency);
            var threads = new Thread[workers.Length];
            Exception? failure = null;
            for (int t = 0; t < workers.Length; t++)
            {
                var worker = workers[t];
                long phase = plan.IntervalTicks * t / workers.Length / Math.Max(1, settings.Connections / settings.Threads);
                threads[t] = new Thread(() =>
                {
                    try
                    {
                        worker.Run(start, end, phase, cancel);
                    }
                    catch (IOException e)
                    {
                        // An epoll failure ends this thread's share of the load; the run reports it.
                        Interlocked.CompareExchange(ref failure, e, null);
                    }
                })
                { IsBackground = true, Name = $"skein-bench-{t}" };
                threads[t].Start();
            }

            foreach (var thread in threads)
            {
                while (!thread.Join(ProgressInterval))
                {
                    onProgress?.Invoke(Snapshot(workers, start, settings.Duration));
                }
            }
            long finished = Stopwatch.GetTimestamp();
            if (failure is not null)
            {
                throw new IOException("a load thread failed: " + failure.Message, failure);
            }
            onProgress?.Invoke(Snapshot(workers, start, settings.Duration));

            var latency = LatencyHistograms.Create();
            long requests = 0, bytes = 0, connect = 0, read = 0, write = 0, timeout = 0, non2xx = 0;
            foreach (var w in workers)
            {
                latency.Add(w.Histogram);
                requests += w.Requests;
                bytes += w.BytesRead;
                connect += w.ConnectErrors;
                read += w.ReadErrors;
                write += w.WriteErrors;
                timeout += w.TimeoutErrors;
                non2xx += w.Non2xx;
            }
            return new LoadResult(settings, Stopwatch.GetElapsedTime(start, finished), requests, bytes,
                new ErrorCounts(connect, read, write, timeout, non2xx), latency);
        }
        finally
        {
            foreach (var w in workers)
            {
                w?.Dispose();
            }
        }
    }

    /// <summary>Resolves the URL's host, preferring IPv4 (what wrk's getaddrinfo usually returns first for localhost).</summary>
    internal static IPAddress Resolve(Uri url)
    {
        if (IPAddress.TryParse(url.IdnHost, out var literal))
        {
            return literal;
        }
        var addresses = Dns.GetHostAddresses(url.IdnHost);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new SocketException((int)SocketError.HostNotFound);
    }

    private static LoadProgress Snapshot(LoadWorker[] workers, long start, TimeSpan duration)
    {
        long requests = 0, errors = 0;
        foreach (var w in workers)
        {
            requests += Volatile.Read(ref w.Requests);
            errors += w.ErrorsSoFar;
        }
        return new LoadProgress(Stopwatch.GetElapsedTime(start), duration, requests, errors);
    }
}
