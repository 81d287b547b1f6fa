// A counter and a broadcast shared by the master and all worker processes of a process model: shared
// memory (memfd, passed to each worker over its channel) and a futex on it. It is what lets an application
// keep state that spans processes — /wait, /notify and /waiters see the waiters of every worker, not only
// their own. It knows nothing of HTTP or of what the counter counts.

using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Skein.Server.Interop;
using static Skein.Server.Interop.SharedMemory;

namespace Skein.Server.Processes;

/// <summary>
/// Shared memory holding a counter split in one slot per worker process, the value of the last broadcast
/// and a generation number. The master rents each worker a slot (<see cref="RentSlot"/>) and clears it when
/// that worker exits (<see cref="ReturnSlot"/>), so a worker killed with its count raised (waiters parked in
/// it) leaves the total right: <see cref="Count"/> is the sum of the slots. <see cref="Publish"/> in any
/// process stores a value, bumps the generation and wakes every process's watcher (FUTEX_WAKE on the
/// generation word; FUTEX_WAIT without the private flag works across processes mapping the same file).
/// </summary>
public sealed unsafe class SharedSignal : IDisposable
{
    // 1 MiB: a header and 262,140 slots, more processes than the machine could start. The memfd's pages
    // are allocated on first touch, so only the slots in use cost memory (one page per 1,024 of them).
    // Public for Observability's Scoreboard, which lives in the same memfd past these bytes.
    public const int MappedBytes = 1024 * 1024;

    // Offsets (in ints) into the shared memory; the slots follow the header.
    private const int GenerationSlot = 0;
    private const int ValueSlot = 1;
    private const int SlotsInUseSlot = 2;
    private const int FirstSlot = 4;

    /// <summary>How many slots the memory holds.</summary>
    public const int Capacity = MappedBytes / sizeof(int) - FirstSlot;

    private readonly SafeFileHandle _fd;
    private readonly int* _page;
    private readonly Lock _slotsGate = new();
    private readonly Stack<int> _freeSlots = new();
    private Thread? _watcher;

    private SharedSignal(SafeFileHandle fd)
    {
        _fd = fd;
        var address = Mmap(null, MappedBytes, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd.DangerousGetHandle(), 0);
        if (address == MapFailed)
        {
            throw Errno.LastError("mmap");
        }
        // Never unmapped: the memory lives as long as the process, so no thread can touch it after an munmap.
        _page = (int*)address;
    }

    /// <summary>The descriptor of the shared memory, to pass to a worker.</summary>
    public SafeHandle Handle => _fd;

    /// <summary>The shared counter's current value: the sum of every slot.</summary>
    public int Count
    {
        get
        {
            int inUse = Math.Min(Volatile.Read(ref _page[SlotsInUseSlot]), Capacity);
            int sum = 0;
            for (int slot = 0; slot < inUse; slot++)
            {
                sum += Volatile.Read(ref _page[FirstSlot + slot]);
            }
            return sum;
        }
    }

    /// <summary>Creates fresh, zeroed memory (in the master).</summary>
    public static SharedSignal Create()
    {
        int fd = MemfdCreate("skein-shared", MFD_CLOEXEC);
        if (fd < 0)
        {
            throw Errno.LastError("memfd_create");
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Ftruncate(fd, MappedBytes) != 0)
        {
            handle.Dispose();
            throw Errno.LastError("ftruncate");
        }
        return new SharedSignal(handle);
    }

    /// <summary>Maps the memory received from the master; this object owns <paramref name="fd"/>.</summary>
    public static SharedSignal Open(SafeFileHandle fd) => new(fd);

    /// <summary>Master: a slot for a new worker's share of the counter, zero. Slots of exited workers are reused.</summary>
    /// <exception cref="InvalidOperationException">Every slot is in use.</exception>
    public int RentSlot()
    {
        lock (_slotsGate)
        {
            if (_freeSlots.TryPop(out int slot))
            {
                return slot;
            }
            int next = _page[SlotsInUseSlot];
            if (next >= Capacity)
            {
                throw new InvalidOperationException($"All {Capacity} shared counter slots are in use.");
            }
            Volatile.Write(ref _page[SlotsInUseSlot], next + 1);
            return next;
        }
    }

    /// <summary>Master: the worker that held <paramref name="slot"/> has exited; whatever it still counted
    /// (waiters parked in it when it was killed) leaves the total, and the slot can be rented again.</summary>
    public void ReturnSlot(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, Capacity);
        Interlocked.Exchange(ref _page[FirstSlot + slot], 0);
        lock (_slotsGate)
        {
            _freeSlots.Push(slot);
        }
    }

    /// <summary>Adds <paramref name="delta"/> to this process's <paramref name="slot"/> of the counter.</summary>
    public void Add(int slot, int delta)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, Capacity);
        Interlocked.Add(ref _page[FirstSlot + slot], delta);
    }

    /// <summary>Stores <paramref name="value"/> as the latest broadcast and wakes every process's watcher.</summary>
    public void Publish(int value)
    {
        Volatile.Write(ref _page[ValueSlot], value);
        Interlocked.Increment(ref _page[GenerationSlot]);
        Futex.WakeAll(&_page[GenerationSlot]);
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
                if (!Futex.Wait(&_page[GenerationSlot], seen) && Errno.Last is not (Errno.EINTR or Errno.EAGAIN))
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
}
