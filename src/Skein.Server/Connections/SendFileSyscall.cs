// The one syscall the socket transports call directly: sendfile(2), for sending a byte range of a file
// without copying it through this process (Socket.SendFile only sends whole files). Interop only.
using System.Runtime.InteropServices;

namespace Skein.Server.Connections;

/// <summary>sendfile(2) on Linux.</summary>
internal static partial class SendFileSyscall
{
    /// <summary>errno: the socket is non-blocking and its buffer is full.</summary>
    public const int EAGAIN = 11;

    /// <summary>errno: interrupted by a signal; try again.</summary>
    public const int EINTR = 4;

    /// <summary><c>ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count)</c>; advances
    /// <paramref name="offset"/> by the bytes sent; -1 with errno on failure.</summary>
    [LibraryImport("libc", EntryPoint = "sendfile", SetLastError = true)]
    public static partial nint SendFile(int outFd, int inFd, ref long offset, nuint count);
}
