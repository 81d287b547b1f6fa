// fcntl(2) and the descriptor and file-status flags the server sets: close-on-exec (which descriptors a
// worker inherits), O_NONBLOCK (sharing a listening socket) and O_APPEND (the access log, which .NET's
// FileMode.Append does not set). From <fcntl.h>.
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
    public const int O_APPEND = 0x400;
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
    public static void SetNonBlocking(int fd) => AddStatusFlags(fd, O_NONBLOCK);

    /// <summary>Adds O_APPEND to the open file behind <paramref name="fd"/>: every write goes to the end of the
    /// file as it is then, even one at an offset (pwrite(2) on Linux), whoever else writes to it.</summary>
    /// <exception cref="IOException">fcntl failed.</exception>
    public static void SetAppend(int fd) => AddStatusFlags(fd, O_APPEND);

    private static void AddStatusFlags(int fd, int added)
    {
        int flags = Call(fd, F_GETFL, 0);
        if (flags < 0 || Call(fd, F_SETFL, flags | added) < 0)
        {
            throw Errno.LastError("fcntl");
        }
    }
}
