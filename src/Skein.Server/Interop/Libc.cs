// The server's one home for Linux interop (this folder): every [LibraryImport] and every constant taken
// from a C header lives under Interop/, each file named after the syscalls it declares. Code elsewhere calls
// these and never repeats a number from <errno.h> or <sys/socket.h>. Layouts and numbers are those of
// 64-bit Linux (x86-64 for the raw syscall numbers); other systems are refused where the calls are used.
using System.Runtime.InteropServices;

namespace Skein.Server.Interop;

/// <summary>The C library every import here binds to, and close(2).</summary>
internal static partial class Libc
{
    /// <summary>The library name for <see cref="LibraryImportAttribute"/>: glibc's libc.so.6 on Linux.</summary>
    public const string Name = "libc";

    /// <summary><c>int close(int fd)</c>.</summary>
    [LibraryImport(Name, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);
}
