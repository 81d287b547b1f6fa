// Preparing a listening socket that several worker processes accept from (process-pool, hybrid), so
// that one worker stopping can never stop the others. Two descriptor flags, set with fcntl(2); nothing
// else lives here.

using System.Net.Sockets;
using Skein.Server.Interop;

namespace Skein.Server.Processes;

/// <summary>
/// Makes an inherited listening socket safe to share. The danger: .NET, disposing a socket while a call on
/// it is in progress, wakes that call with shutdown(2) — and shutdown on a listening socket stops it for
/// every process that shares it, master included. .NET skips that step for descriptors without
/// close-on-exec, "since these may be shared with other processes" (SafeSocketHandle.Unix.cs,
/// TryUnblockSocket), so the worker clears the flag; and the socket is made non-blocking, so a blocking
/// Accept is emulated over epoll and disposing the socket aborts it without any syscall on the socket.
/// </summary>
public static class SharedListeningSocket
{
    /// <summary>Prepares <paramref name="fd"/> (just received from the master) for sharing and returns it.
    /// Wrap it in a <see cref="Socket"/> and set <see cref="Socket.Blocking"/> to true for blocking accepts.</summary>
    /// <exception cref="IOException">fcntl failed.</exception>
    public static SafeSocketHandle Prepare(SafeSocketHandle fd)
    {
        ArgumentNullException.ThrowIfNull(fd);
        var raw = (int)fd.DangerousGetHandle();
        // The worker starts no processes of its own, so leaving the descriptor inheritable leaks it nowhere.
        Fcntl.SetCloseOnExec(raw, false);
        // O_NONBLOCK belongs to the open file, shared by every process holding the socket: all of them
        // agree (the master never accepts on it in these models).
        Fcntl.SetNonBlocking(raw);
        return fd;
    }
}
