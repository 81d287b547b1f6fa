// sendfile(2): sending a byte range of a file without copying it through this process (Socket.SendFile
// only sends whole files). Interop only; the transports decide when to call it.
using System.Runtime.InteropServices;

namespace Skein.Server.Interop;

/// <summary>sendfile(2) on Linux.</summary>
internal static partial class SendFileSyscall
{
    /// <summary>errno: the socket is non-blocking and its buffer is full (<see cref="Errno.EAGAIN"/>).</summary>
    public const int EAGAIN = Errno.EAGAIN;

    /// <summary>errno: interrupted by a signal; try again (<see cref="Errno.EINTR"/>).</summary>
    public const int EINTR = Errno.EINTR;

    /// <summary><c>ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count)</c>; advances
    /// <paramref name="offset"/> by the bytes sent; -1 with errno on failure.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "sendfile", SetLastError = true)]
    public static partial nint SendFile(int outFd, int inFd, ref long offset, nuint count);
}
