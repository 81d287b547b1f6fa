// errno values the server checks, from <asm-generic/errno-base.h> and <asm-generic/errno.h> (Linux), and
// the ways a failed syscall becomes an exception (an IOException, or for a socket the SocketException .NET's
// own sockets throw). Nothing else.
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Skein.Server.Interop;

/// <summary>errno values and errors from the last failed P/Invoke.</summary>
internal static class Errno
{
    /// <summary>Interrupted by a signal; try again.</summary>
    public const int EINTR = 4;

    /// <summary>Bad file descriptor.</summary>
    public const int EBADF = 9;

    /// <summary>Would block (non-blocking descriptor), or a futex's value already changed.</summary>
    public const int EAGAIN = 11;

    /// <summary>Out of memory.</summary>
    public const int ENOMEM = 12;

    /// <summary>Invalid argument (e.g. accept on a socket that is no longer listening).</summary>
    public const int EINVAL = 22;

    /// <summary>The system's table of open files is full.</summary>
    public const int ENFILE = 23;

    /// <summary>This process has as many descriptors open as it may.</summary>
    public const int EMFILE = 24;

    /// <summary>The other end of a pipe or socket is closed.</summary>
    public const int EPIPE = 32;

    /// <summary>A connection was aborted before it was accepted.</summary>
    public const int ECONNABORTED = 103;

    /// <summary>The peer reset the connection.</summary>
    public const int ECONNRESET = 104;

    /// <summary>No buffer space available.</summary>
    public const int ENOBUFS = 105;

    /// <summary>The socket is not connected.</summary>
    public const int ENOTCONN = 107;

    /// <summary>The connection timed out (keep-alive probes or retransmissions gave up).</summary>
    public const int ETIMEDOUT = 110;

    /// <summary>The errno of the last P/Invoke declared with <c>SetLastError = true</c>.</summary>
    public static int Last => Marshal.GetLastPInvokeError();

    /// <summary>The last errno as an <see cref="IOException"/> whose HResult is the errno, so callers can
    /// tell <see cref="EPIPE"/> from the rest; the message names the call that failed.</summary>
    public static IOException LastError([CallerMemberName] string call = "")
    {
        int errno = Last;
        return new IOException($"{call}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    /// <summary>The <see cref="System.Net.Sockets.SocketError"/> .NET reports for a socket call's errno
    /// (<see cref="System.Net.Sockets.SocketError.SocketError"/> for one it has no name for).</summary>
    public static SocketError ToSocketError(int errno) => errno switch
    {
        EAGAIN => System.Net.Sockets.SocketError.WouldBlock,
        EINTR => System.Net.Sockets.SocketError.Interrupted,
        EINVAL => System.Net.Sockets.SocketError.InvalidArgument,
        ECONNRESET => System.Net.Sockets.SocketError.ConnectionReset,
        EPIPE => System.Net.Sockets.SocketError.Shutdown,
        ECONNABORTED => System.Net.Sockets.SocketError.ConnectionAborted,
        ENOTCONN => System.Net.Sockets.SocketError.NotConnected,
        ETIMEDOUT => System.Net.Sockets.SocketError.TimedOut,
        ENOBUFS or ENOMEM => System.Net.Sockets.SocketError.NoBufferSpaceAvailable,
        EMFILE or ENFILE => System.Net.Sockets.SocketError.TooManyOpenSockets,
        EBADF => System.Net.Sockets.SocketError.OperationAborted,
        _ => System.Net.Sockets.SocketError.SocketError,
    };

    /// <summary>A failed socket call's errno as the <see cref="SocketException"/> .NET's own sockets throw
    /// for it (its <see cref="SocketException.SocketErrorCode"/> and message), so callers catch one type.</summary>
    public static SocketException SocketError(int errno) => new((int)ToSocketError(errno));
}
