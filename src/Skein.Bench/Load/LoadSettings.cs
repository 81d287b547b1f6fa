// LoadSettings: what `skein bench` was asked to do, typed and validated once. Defaults are wrk's, so the
// two tools run the same experiment when given the same flags. It does not run anything.
namespace Skein.Bench.Load;

/// <summary>Settings of one load run (the options of <c>skein bench</c>).</summary>
public sealed record LoadSettings
{
    /// <summary>Target URL (http only). Its path and query are requested; its host is sent as Host.</summary>
    public required Uri Url { get; init; }

    /// <summary>Open connections (wrk's -c; default 10 like wrk).</summary>
    public int Connections { get; init; } = 10;

    /// <summary>Load threads, each driving Connections/Threads connections (wrk's -t; default 2 like wrk).</summary>
    public int Threads { get; init; } = 2;

    /// <summary>How long to send requests (wrk's -d; default 10 s like wrk).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Total requests per second at a constant rate (wrk2's -R), or null for as fast as possible. Under a
    /// rate, each request's latency is measured from the time it was scheduled to be sent.
    /// </summary>
    public double? Rate { get; init; }

    /// <summary>Reuse connections (HTTP/1.1 keep-alive); false sends <c>Connection: close</c> and reconnects.</summary>
    public bool KeepAlive { get; init; } = true;

    /// <summary>Extra request header lines, "Name: value" each.</summary>
    public IReadOnlyList<string> Headers { get; init; } = [];

    /// <summary>A request without a complete response after this long counts as a timeout (wrk's default 2 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that makes no sense.</summary>
    public void Validate()
    {
        if (Url.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"only http:// URLs are supported, not '{Url.Scheme}'", nameof(Url));
        }
        if (Threads < 1)
        {
            throw new ArgumentException("threads must be at least 1", nameof(Threads));
        }
        if (Connections < Threads)
        {
            throw new ArgumentException("connections must be at least the number of threads", nameof(Connections));
        }
        if (Duration <= TimeSpan.Zero)
        {
            throw new ArgumentException("duration must be positive", nameof(Duration));
        }
        if (Rate is { } rate && (rate <= 0 || double.IsNaN(rate) || double.IsInfinity(rate)))
        {
            throw new ArgumentException("rate must be a positive number of requests per second", nameof(Rate));
        }
        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("timeout must be positive", nameof(Timeout));
        }
        foreach (var header in Headers)
        {
            if (!IsHeaderLine(header))
            {
                throw new ArgumentException($"header '{header}' is not 'Name: value'", nameof(Headers));
            }
        }
    }

    /// <summary>True if <paramref name="header"/> can be sent as one header line: a name, a colon, no CR or LF.</summary>
    public static bool IsHeaderLine(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return header.IndexOf(':', StringComparison.Ordinal) > 0 && !header.AsSpan().ContainsAny('\r', '\n');
    }
}
