// Joining several threads (or loops, or pools) against one shared deadline, so N joins take at most the
// timeout in total rather than N times it. Nothing else.
namespace Skein.Server.Threading;

/// <summary>Joins against one deadline.</summary>
public static class Join
{
    /// <summary>Calls each join with the time left until the deadline; true if every one finished in time.</summary>
    public static bool All<T>(IEnumerable<T> items, TimeSpan timeout, Func<T, TimeSpan, bool> join)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(join);
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        var all = true;
        foreach (var item in items)
        {
            var left = Math.Max(0, deadline - Environment.TickCount64);
            all &= join(item, TimeSpan.FromMilliseconds(left));
        }
        return all;
    }
}
