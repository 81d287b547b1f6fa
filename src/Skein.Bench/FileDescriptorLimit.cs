// FileDescriptorLimit: raises this process's RLIMIT_NOFILE soft limit towards its hard limit so thousands
// of sockets can be open (comet at 10,000 clients, bench with many connections). It cannot raise the hard
// limit (that needs privileges or `ulimit -Hn`); it reports what it got so callers can say so clearly.
using Skein.Bench.Interop;

namespace Skein.Bench;

/// <summary>The process's open-file limit, and raising its soft value.</summary>
public static unsafe class FileDescriptorLimit
{
    /// <summary>
    /// Makes sure at least <paramref name="needed"/> descriptors may be open, raising the soft limit up
    /// to the hard limit if necessary. Returns the soft limit now in force (or <see cref="long.MaxValue"/>
    /// where the limit cannot be read, e.g. not Linux).
    /// </summary>
    public static long TryRaise(long needed)
    {
        if (!OperatingSystem.IsLinux())
        {
            return long.MaxValue;
        }
        Libc.RLimit limit;
        if (Libc.GetRLimit(Libc.RLIMIT_NOFILE, &limit) != 0)
        {
            return long.MaxValue;
        }
        if ((long)limit.Current >= needed || limit.Current >= limit.Maximum)
        {
            return (long)Math.Min(limit.Current, long.MaxValue);
        }
        // Raise only as far as needed (with the hard limit as ceiling): enough, and no more than asked.
        limit.Current = Math.Min(limit.Maximum, (ulong)needed);
        if (Libc.SetRLimit(Libc.RLIMIT_NOFILE, &limit) != 0)
        {
            return (long)Current();
        }
        return (long)limit.Current;
    }

    /// <summary>The soft and hard limits, or null where they cannot be read.</summary>
    public static (long Soft, long Hard)? Read()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        Libc.RLimit limit;
        if (Libc.GetRLimit(Libc.RLIMIT_NOFILE, &limit) != 0)
        {
            return null;
        }
        return ((long)Math.Min(limit.Current, long.MaxValue), (long)Math.Min(limit.Maximum, long.MaxValue));
    }

    private static ulong Current()
    {
        Libc.RLimit limit;
        return Libc.GetRLimit(Libc.RLIMIT_NOFILE, &limit) == 0 ? limit.Current : 0;
    }
}
