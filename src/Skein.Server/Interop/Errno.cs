// errno values the server checks, from <asm-generic/errno-base.h> and <asm-generic/errno.h> (Linux), and
// the one way a failed syscall becomes an exception. Nothing else.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Skein.Server.Interop;

/// <summary>errno values and errors from the last failed P/Invoke.</summary>
internal static class Errno
{
    /// <summary>Interrupted by a signal; try again.</summary>
    public const int EINTR = 4;

    /// <summary>Would block (non-blocking descriptor), or a futex's value already changed.</summary>
    public const int EAGAIN = 11;

    /// <summary>The other end of a pipe or socket is closed.</summary>
    public const int EPIPE = 32;

    /// <summary>The errno of the last P/Invoke declared with <c>SetLastError = true</c>.</summary>
    public static int Last => Marshal.GetLastPInvokeError();

    /// <summary>The last errno as an <see cref="IOException"/> whose HResult is the errno, so callers can
    /// tell <see cref="EPIPE"/> from the rest; the message names the call that failed.</summary>
    public static IOException LastError([CallerMemberName] string call = "")
    {
        int errno = Last;
        return new IOException($"{call}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }
}
