// CLOCK_MONOTONIC read with clock_gettime(2) itself, for tests that check a time stamp a program took on that
// clock (systemd's MONOTONIC_USEC) without trusting the program's own way of reading it.
using System.Runtime.InteropServices;

namespace Skein.Testing;

/// <summary>The monotonic clock of the kernel.</summary>
public static partial class MonotonicClock
{
    private const int ClockMonotonic = 1;

    /// <summary>CLOCK_MONOTONIC now, in microseconds.</summary>
    public static long Microseconds()
    {
        if (ClockGetTime(ClockMonotonic, out var now) != 0)
        {
            throw new InvalidOperationException($"clock_gettime failed: errno {Marshal.GetLastPInvokeError()}");
        }
        return now.Seconds * 1_000_000 + now.Nanoseconds / 1_000;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
