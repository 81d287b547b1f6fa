// A counter and a broadcast shared by the master and all worker processes of a process model: one page
// of shared memory (memfd, passed to each worker over its channel) and a futex on it. It is what lets an
// application keep state that spans processes — /wait, /notify and /waiters see the waiters of every
// worker, not only their own. It knows nothing of HTTP or of what the counter counts.

using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Skein.Server.Processes;

/// <summary>
/// A shared page holding a counter (<see cref="Count"/>), the value of the last broadcast and a generation
/// number. <see cref="Publish"/> in any process stores a value, bumps the generation and wakes every
/// process's watcher (FUTEX_WAKE on the generation word; FUTEX_WAIT without the private flag works across
/// processes mapping the same file). Each process's watcher thread then calls the handler it was given.
/// </summary>
public sealed unsafe partial class SharedSignal : IDisposable
{
    private const int PageBytes = 4096;
    private const int PROT_READ = 1;
    private const int PROT_WRITE = 2;
    private const int MAP_SHARED = 1;
    private const uint MFD_CLOEXEC = 1;
    private const long SYS_futex = 202; // x86-64; the process models are Linux x64 only (see UnixFdChannel)
    private const int FUTEX_WAIT = 0;
    private const int FUTEX_WAKE = 1;
    private const int EINTR = 4;
    private const int EAGAIN = 11;

    // Offsets (in ints) into the page.
    private const int CountSlot = 0;
    private const int GenerationSlot = 1;
    private const int ValueSlot = 2;

    private readonly SafeFileHandle _fd;
    private readonly int* _page;
    private Thread? _watcher;

    private SharedSignal(SafeFileHandle fd)
    {
        _fd = fd;
        var address = mmap(null, PageBytes, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd.DangerousGetHandle(), 0);
        if (address == (void*)-1)
        {
            throw LastError("mmap");
        }
        // Never unmapped: the page lives as long as the process, so no thread can touch it after an munmap.
        _page = (int*)address;
    }

    /// <summary>The descriptor of the shared memory, to pass to a worker.</summary>
    public SafeHandle Handle => _fd;

    /// <summary>The shared counter's current value.</summary>
    public int Count => Volatile.Read(ref _page[CountSlot]);

    /// <summary>Creates a fresh, zeroed page (in the master).</summary>
    public static SharedSignal Create()
    {
        int fd = memfd_create("skein-shared", MFD_CLOEXEC);
        if (fd < 0)
        {
            throw LastError("memfd_create");
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (ftruncate(fd, PageBytes) != 0)
        {
            handle.Dispose();
            throw LastError("ftruncate");
        }
        return new SharedSignal(handle);
    }

    /// <summary>Maps the page received from the master; this object owns <paramref name="fd"/>.</summary>
    public static SharedSignal Open(SafeFileHandle fd) => new(fd);

    /// <summary>Adds <paramref name="delta"/> to the shared counter; returns the new value.</summary>
    public int Add(int delta) => Interlocked.Add(ref _page[CountSlot], delta);

    /// <summary>Stores <paramref name="value"/> as the latest broadcast and wakes every process's watcher.</summary>
    public void Publish(int value)
    {
        Volatile.Write(ref _page[ValueSlot], value);
        Interlocked.Increment(ref _page[GenerationSlot]);
        _ = syscall(SYS_futex, &_page[GenerationSlot], FUTEX_WAKE, int.MaxValue, null, null, 0);
    }

    /// <summary>Starts this process's watcher: after every <see cref="Publish"/> (in any process, this one
    /// included) it calls <paramref name="onPublished"/> with the published value, on its own thread.
    /// Broadcasts that come faster than the watcher wakes are seen once, with the latest value.</summary>
    public void Watch(Action<int> onPublished)
    {
        ArgumentNullException.ThrowIfNull(onPublished);
        if (_watcher is not null)
        {
            throw new InvalidOperationException("Already watching.");
        }
        int seen = Volatile.Read(ref _page[GenerationSlot]);
        _watcher = new Thread(() =>
        {
            while (true)
            {
                // FUTEX_WAIT returns at once (EAGAIN) if the generation already moved on: no wake-up is lost.
                long result = syscall(SYS_futex, &_page[GenerationSlot], FUTEX_WAIT, seen, null, null, 0);
                if (result != 0 && Marshal.GetLastPInvokeError() is not (EINTR or EAGAIN))
                {
                    return;
                }
                int now = Volatile.Read(ref _page[GenerationSlot]);
                if (now != seen)
                {
                    seen = now;
                    onPublished(Volatile.Read(ref _page[ValueSlot]));
                }
            }
        })
        { IsBackground = true, Name = "shared-signal" };
        _watcher.Start();
    }

    /// <summary>Closes the descriptor; the mapping stays until the process exits (see the constructor).</summary>
    public void Dispose() => _fd.Dispose();

    private static IOException LastError(string call)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int memfd_create(string name, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ftruncate(int fd, long length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial void* mmap(void* address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, int* address, int operation, int value, void* timeout, int* address2, int value3);
}
