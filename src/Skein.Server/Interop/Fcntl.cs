// fcntl(2) and the descriptor and file-status flags the process models set: close-on-exec (which
// descriptors a worker inherits) and O_NONBLOCK (sharing a listening socket). From <fcntl.h>.
using System.Runtime.InteropServices;

namespace Skein.Server.Interop;

/// <summary>fcntl(2).</summary>
internal static partial class Fcntl
{
    public const int F_GETFD = 1;
    public const int F_SETFD = 2;
    public const int F_GETFL = 3;
    public const int F_SETFL = 4;
    public const int FD_CLOEXEC = 1;
    public const int O_NONBLOCK = 0x800;

    /// <summary><c>int fcntl(int fd, int cmd, int arg)</c>.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Call(int fd, int cmd, int arg);

    /// <summary>Sets or clears FD_CLOEXEC on <paramref name="fd"/>.</summary>
    /// <exception cref="IOException">fcntl failed.</exception>
    public static void SetCloseOnExec(int fd, bool closeOnExec)
    {
        int flags = Call(fd, F_GETFD, 0);
        if (flags < 0 || Call(fd, F_SETFD, closeOnExec ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC) < 0)
        {
            throw Errno.LastError("fcntl");
        }
    }

    /// <summary>True when the open file behind <paramref name="fd"/> has O_NONBLOCK.</summary>
    /// <exception cref="IOException">fcntl failed.</exception>
    public static bool IsNonBlocking(int fd)
    {
        int flags = Call(fd, F_GETFL, 0);
        return flags >= 0 ? (flags & O_NONBLOCK) != 0 : throw Errno.LastError("fcntl");
    }

    /// <summary>Adds O_NONBLOCK to the open file behind <paramref name="fd"/> (shared by every process holding it).</summary>
    /// <exception cref="IOException">fcntl failed.</exception>
    public static void SetNonBlocking(int fd)
    {
        int flags = Call(fd, F_GETFL, 0);
        if (flags < 0 || Call(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        {
            throw Errno.LastError("fcntl");
        }
    }
}
