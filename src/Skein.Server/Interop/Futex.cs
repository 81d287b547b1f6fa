// futex(2), through syscall(2) since libc has no wrapper: wait on and wake a 32-bit word in shared memory.
// Without FUTEX_PRIVATE_FLAG, so it works across processes mapping the same file. From <linux/futex.h>.
using System.Runtime.InteropServices;

namespace Skein.Server.Interop;

/// <summary>FUTEX_WAIT and FUTEX_WAKE.</summary>
internal static unsafe partial class Futex
{
    private const long SYS_futex = 202; // x86-64 (<asm/unistd_64.h>)
    private const int FUTEX_WAIT = 0;
    private const int FUTEX_WAKE = 1;

    /// <summary>Blocks while <c>*address == expected</c>, until a <see cref="WakeAll"/> on it. Returns
    /// false with errno set on failure; <see cref="Errno.EAGAIN"/> (the value already changed) and
    /// <see cref="Errno.EINTR"/> are the normal ones.</summary>
    public static bool Wait(int* address, int expected)
        => syscall(SYS_futex, address, FUTEX_WAIT, expected, null, null, 0) == 0;

    /// <summary>Wakes every process and thread waiting on <paramref name="address"/>.</summary>
    public static void WakeAll(int* address)
        => _ = syscall(SYS_futex, address, FUTEX_WAKE, int.MaxValue, null, null, 0);

    [LibraryImport(Libc.Name, SetLastError = true)]
    private static partial long syscall(long number, int* address, int operation, int value, void* timeout, int* address2, int value3);
}
