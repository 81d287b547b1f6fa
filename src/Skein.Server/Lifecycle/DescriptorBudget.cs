// How many connections this process can hold before it runs out of file descriptors, and what it keeps
// back for everything else. Out of descriptors, a .NET process cannot even start a thread (each new thread
// opens /sys/devices/system/cpu/possible, a pipe and /proc/self/task/N/comm; when that fails the socket
// engine's thread-pool request ends the process), so the server refuses connections (503) before the last
// descriptors go, and holds a small reserve it lets go the moment accept fails anyway (the limit lowered
// under it, or files and sockets it does not count). It does not accept, count or refuse connections
// itself: ConnectionRegistry asks it, the Listener reports exhaustion.
using Microsoft.Win32.SafeHandles;
using Skein.Server.Interop;

namespace Skein.Server.Lifecycle;

/// <summary>
/// The connection limit the descriptor limit imposes: the soft <c>RLIMIT_NOFILE</c>, less the descriptors
/// held for other things (counted now and whenever accept runs out), less <see cref="Headroom"/> kept free,
/// less the reserve while it is held. Measured on Linux; elsewhere it imposes no limit.
/// </summary>
public sealed class DescriptorBudget : IDisposable
{
    /// <summary>Descriptors kept free beyond the connections, and held again as a reserve: enough for the
    /// runtime to start a few threads (3 each) and for the server to open files while sending them.</summary>
    public const int Headroom = 16;

    // How often an accept may read the limit again (getrlimit(2)): a lowered limit is noticed within a second, or at
    // once by the accept that fails for it (OnExhausted), instead of costing a syscall per connection.
    private const long LimitReadIntervalMs = 1000;
    private const long Unknown = -1;

    private readonly Lock _gate = new();
    private long _limitReadAt = long.MinValue / 2; // Environment.TickCount64 of the last read
    private long _lastLimit = Unknown;
    private readonly List<SafeFileHandle> _reserve = [];
    private int _maxConnections = int.MaxValue;

    /// <summary>Takes the reserve and measures the budget.</summary>
    public DescriptorBudget()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        for (var i = 0; i < Headroom; i++)
        {
            _reserve.Add(File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read));
        }
        Measure(openConnections: 0);
    }

    /// <summary>Most connections that leave the headroom (and the reserve, while held) free.</summary>
    public int MaxConnections => Volatile.Read(ref _maxConnections);

    /// <summary>The soft descriptor limit last read; null where it is not known or unlimited.</summary>
    public long? Limit { get; private set; }

    /// <summary>
    /// Checks the budget against a connection just accepted (a getrlimit(2) at most once a second): measures
    /// again when the limit changed, and lets the reserve go when <paramref name="accepted"/>'s descriptor number shows that
    /// fewer than <see cref="Headroom"/> are left (the kernel hands out the lowest free number, so every one
    /// below it is in use). Call before asking the registry to admit it.
    /// </summary>
    public void OnAccepted(System.Runtime.InteropServices.SafeHandle accepted, int openConnections)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        if (!OperatingSystem.IsLinux() || RecentLimit() is not { } limit)
        {
            return;
        }
        if (limit != Limit)
        {
            lock (_gate)
            {
                Measure(openConnections);
            }
        }
        if ((long)accepted.DangerousGetHandle() + Headroom >= limit)
        {
            OnExhausted(openConnections);
        }
    }

    /// <summary>Accept failed for lack of descriptors: lets the reserve go, so the process has room to
    /// work at once, and measures again (the limit may have been lowered, other descriptors opened).</summary>
    public void OnExhausted(int openConnections)
    {
        lock (_gate)
        {
            foreach (var handle in _reserve)
            {
                handle.Dispose();
            }
            _reserve.Clear();
            Measure(openConnections);
        }
    }

    /// <summary>Lets the reserve go.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var handle in _reserve)
            {
                handle.Dispose();
            }
            _reserve.Clear();
        }
    }

    // The soft limit, read again when the last read is a second old (null: unknown or unlimited).
    private long? RecentLimit()
    {
        var now = Environment.TickCount64;
        if (now - Volatile.Read(ref _limitReadAt) >= LimitReadIntervalMs)
        {
            Volatile.Write(ref _lastLimit, ReadLimit() ?? Unknown);
            Volatile.Write(ref _limitReadAt, now);
        }
        var limit = Volatile.Read(ref _lastLimit);
        return limit == Unknown ? null : limit;
    }

    private static long? ReadLimit()
        => ResourceLimits.Get(ResourceLimits.RLIMIT_NOFILE, out var limit) != 0 || limit.Soft == ResourceLimits.RLIM_INFINITY
            ? null
            : (long)Math.Min(limit.Soft, long.MaxValue);

    private void Measure(int openConnections)
    {
        Limit = ReadLimit();
        Volatile.Write(ref _lastLimit, Limit ?? Unknown);
        Volatile.Write(ref _limitReadAt, Environment.TickCount64);
        if (Limit is null)
        {
            Volatile.Write(ref _maxConnections, int.MaxValue);
            return;
        }
        var open = DirectoryStreams.CountEntries("/proc/self/fd") - 1; // less the descriptor reading the directory
        if (open < 0)
        {
            return; // cannot count (out of descriptors even now): keep the last budget
        }
        var others = open - openConnections - _reserve.Count;
        var budget = Limit.Value - others - _reserve.Count - Headroom;
        Volatile.Write(ref _maxConnections, (int)Math.Clamp(budget, 0, int.MaxValue));
    }
}
