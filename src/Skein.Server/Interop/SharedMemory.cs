// Anonymous shared memory for the process models: memfd_create(2), ftruncate(2) and mmap(2), with their
// flags from <sys/mman.h>. Interop only; SharedSignal decides what the memory holds.
using System.Runtime.InteropServices;

namespace Skein.Server.Interop;

/// <summary>memfd_create, ftruncate, mmap.</summary>
internal static unsafe partial class SharedMemory
{
    public const int PROT_READ = 1;
    public const int PROT_WRITE = 2;
    public const int MAP_SHARED = 1;
    public const uint MFD_CLOEXEC = 1;

    /// <summary>mmap's error return, <c>MAP_FAILED</c>.</summary>
    public static readonly void* MapFailed = (void*)-1;

    /// <summary><c>int memfd_create(const char *name, unsigned int flags)</c>.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MemfdCreate(string name, uint flags);

    /// <summary><c>int ftruncate(int fd, off_t length)</c>.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Ftruncate(int fd, long length);

    /// <summary><c>void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)</c>.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "mmap", SetLastError = true)]
    public static partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, long offset);
}
