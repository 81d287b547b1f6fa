// Options of the bundled web application (static files + built-in endpoints), each with its default and
// where that default comes from. Validated once by SiteApplication.Create; nothing here parses strings.
namespace Skein.App;

/// <summary>What <see cref="SiteApplication.Create"/> serves and how.</summary>
public sealed record SiteOptions
{
    /// <summary>The document root. Default <c>www</c> (relative to the working directory), the bundled site.</summary>
    public string Root { get; init; } = "www";

    /// <summary>An artificial delay added before every request is handled (<c>--delay</c>), for watching
    /// concurrency by hand. Default zero.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.Zero;

    /// <summary>Whether compressible static files are sent gzip- or Brotli-coded when the client accepts it.
    /// Default on, as ASP.NET's and most CDNs' (nginx's <c>gzip</c> is off by default).</summary>
    public bool Compression { get; init; } = true;

    /// <summary>The clock for <c>/io</c>, <see cref="Delay"/> and the file cache's revalidation. Tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How long <c>/io</c> waits. 1 s, as in the seed projects.</summary>
    public TimeSpan IoDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The upper bound of the prime count of <c>/cpu</c>. 1,000,000 (78,498 primes), as in the seed projects.</summary>
    public int CpuPrimeLimit { get; init; } = 1_000_000;

    /// <summary>Files up to this size are kept in memory (with their compressed variants). 1 MiB: covers the
    /// pages, scripts and images of a typical site; larger files are sent from disk with sendfile.</summary>
    public int MaxCachedFileBytes { get; init; } = 1024 * 1024;

    /// <summary>Total bytes of file contents (identity plus compressed variants) kept in memory. 64 MiB; when it
    /// is reached further files are sent from disk instead of cached.</summary>
    public long CacheBudgetBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Most paths whose metadata is cached; when full the cache starts over. 10,000, the value
    /// nginx's documentation uses for <c>open_file_cache max=</c>.</summary>
    public int MaxCacheEntries { get; init; } = 10_000;

    /// <summary>How long a cached file's metadata is trusted before it is stat'ed again. 1 s, so an edited
    /// file shows up at once when reloading by hand (nginx's <c>open_file_cache_valid</c> defaults to 60 s).</summary>
    public TimeSpan RevalidateAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Smaller bodies are never compressed. 1,024 bytes: a response that small already fits one TCP
    /// segment with its head (MSS 1,460), so coding it saves no packet (Akamai uses 860, nginx's
    /// <c>gzip_min_length</c> is 20).</summary>
    public int MinCompressBytes { get; init; } = 1024;

    /// <summary>Shares <c>/wait</c>, <c>/notify</c> and <c>/waiters</c> with the other processes serving the
    /// site (set by the process models' workers). Default null: this process only.</summary>
    public Endpoints.IWaiterBackplane? WaiterBackplane { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public SiteOptions Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Root, nameof(Root));
        ArgumentOutOfRangeException.ThrowIfLessThan(Delay, TimeSpan.Zero, nameof(Delay));
        ArgumentOutOfRangeException.ThrowIfLessThan(IoDelay, TimeSpan.Zero, nameof(IoDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(CpuPrimeLimit, 1, nameof(CpuPrimeLimit));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxCachedFileBytes, nameof(MaxCachedFileBytes));
        ArgumentOutOfRangeException.ThrowIfNegative(CacheBudgetBytes, nameof(CacheBudgetBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCacheEntries, 1, nameof(MaxCacheEntries));
        ArgumentOutOfRangeException.ThrowIfLessThan(RevalidateAfter, TimeSpan.Zero, nameof(RevalidateAfter));
        ArgumentOutOfRangeException.ThrowIfNegative(MinCompressBytes, nameof(MinCompressBytes));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        if (!Directory.Exists(Root))
        {
            throw new ArgumentException($"The document root '{Root}' is not a directory.", nameof(Root));
        }
        return this;
    }
}
