// ErrorCounts: failed requests by kind, as wrk reports them. A value, not a counter.
namespace Skein.Bench.Load;

/// <summary>Requests that failed, by the way they failed.</summary>
/// <param name="Connect">The connection could not be opened (refused, unreachable, or not accepted within the timeout).</param>
/// <param name="Read">The connection failed or closed before a whole response arrived, or the response could not be framed.</param>
/// <param name="Write">The request could not be written.</param>
/// <param name="Timeout">No complete response within the timeout.</param>
/// <param name="Non2xx">A complete response whose status was not 2xx (counted as a request too, like wrk).</param>
public readonly record struct ErrorCounts(long Connect, long Read, long Write, long Timeout, long Non2xx)
{
    /// <summary>All failures together.</summary>
    public long Total => Connect + Read + Write + Timeout + Non2xx;
}
