// The scoreboard: what each process of a server counts about its own work (requests, bytes, statuses,
// latencies, connections by state), in memory that the status page and /metrics read. For the process
// models it lives in the shared memory the master gives every worker (after SharedSignal's part of the same
// memfd), one slot per worker process, so any worker can sum the figures of all; for the in-process models
// it is one private slot. As in Apache's scoreboard (scoreboard.h), a process writes only its own slot and
// anyone reads them all; the master folds the counters of an exited worker into a "retired" slot so that
// totals never go backwards. It counts; it neither decides what to count (ConnectionLoop and
// ScoreboardSampler do) nor formats anything (StatusReport, StatusPage and MetricsExporter do).

using System.Runtime.InteropServices;
using Skein.Server.Interop;
using static Skein.Server.Interop.SharedMemory;

namespace Skein.Server.Observability;

/// <summary>Per-process counters of a server, in private or shared memory (see the file header).</summary>
public sealed unsafe class Scoreboard : IDisposable
{
    /// <summary>Worker processes the shared scoreboard has slots for: 4,096, far more than a pool runs. The
    /// process model's per-connection processes beyond that (more than 4,096 connections open at once) are
    /// served but not counted. The memory is a sparse memfd: only slots in use cost pages.</summary>
    public const int SharedCapacity = 4096;

    // One slot is 1,024 longs (8 KiB, two pages); the header and the retired totals are slots too.
    private const int SlotLongs = 1024;
    private const int SlotBytes = SlotLongs * sizeof(long);

    // Header fields.
    private const int HighWater = 0;   // slots claimed so far: readers look at [0, HighWater)
    private const int MasterPid = 1;
    private const int MasterStarted = 2; // Unix time, ms

    // Slot fields.
    private const int Pid = 0;
    private const int Started = 1; // Unix time, ms
    private const int Requests = 2;
    private const int Bytes = 3;
    private const int Accepted = 4;
    private const int NewConnections = 5;
    private const int ActiveConnections = 6;
    private const int IdleConnections = 7;
    private const int RateMilli = 8; // requests per second × 1,000, over the sampler's last interval
    private const int OtherStatus = 15; // a status outside 100–599
    private const int FirstStatus = 16 - 100; // status s counts at FirstStatus + s, for 100 <= s <= 599
    private const int FirstBucket = 520;

    /// <summary>Latency buckets: log-linear, 8 per power of two of microseconds (a bucket is at most 12.5% wide; exact
    /// below 16 µs), up to 2^34 µs (4.7 hours); longer requests count in the last.</summary>
    public const int Buckets = 256;

    private readonly long* _memory;
    private readonly int _capacity;
    private readonly long* _own; // this process's slot (a private scratch slot when it has none)
    private readonly bool _ownsMemory;
    private readonly bool _ownIsScratch;

    private Scoreboard(long* memory, int capacity, int ownSlot, bool ownsMemory)
    {
        _memory = memory;
        _capacity = capacity;
        _ownsMemory = ownsMemory;
        _ownIsScratch = ownSlot < 0 || ownSlot >= capacity;
        _own = _ownIsScratch ? (long*)NativeMemory.AllocZeroed(SlotBytes) : Slot(ownSlot);
    }

    /// <summary>This process's pid, as its slot says.</summary>
    public int OwnPid => (int)_own[Pid];

    /// <summary>A scoreboard for a server that serves in this process: one slot, this process's.</summary>
    public static Scoreboard CreatePrivate(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var memory = (long*)NativeMemory.AllocZeroed((nuint)(TotalBytes(1)));
        var board = new Scoreboard(memory, 1, 0, ownsMemory: true);
        board.StampHeader(time);
        board.Claim(0);
        board.StampOwn(time);
        return board;
    }

    /// <summary>Master of a process model: extends the shared memory <paramref name="fd"/> past
    /// <paramref name="offset"/> (a page boundary) with a fresh scoreboard and maps it.</summary>
    public static Scoreboard CreateShared(SafeHandle fd, long offset, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(fd);
        ArgumentNullException.ThrowIfNull(time);
        if (Ftruncate((int)fd.DangerousGetHandle(), offset + TotalBytes(SharedCapacity)) != 0)
        {
            throw Errno.LastError("ftruncate");
        }
        var board = new Scoreboard(Map(fd, offset), SharedCapacity, -1, ownsMemory: false);
        board.StampHeader(time);
        return board;
    }

    /// <summary>Worker of a process model: maps the scoreboard its master made in <paramref name="fd"/> and writes
    /// its figures in <paramref name="slot"/> (the slot its master claimed for it).</summary>
    public static Scoreboard OpenShared(SafeHandle fd, long offset, int slot, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(fd);
        ArgumentNullException.ThrowIfNull(time);
        var board = new Scoreboard(Map(fd, offset), SharedCapacity, slot, ownsMemory: false);
        board.StampOwn(time);
        return board;
    }

    /// <summary>Master: <paramref name="slot"/> belongs to a new worker from now on (zeroed; readers see it).</summary>
    public void Claim(int slot)
    {
        if (slot < 0 || slot >= _capacity)
        {
            return; // beyond capacity: served, not counted (see SharedCapacity)
        }
        var s = Slot(slot);
        new Span<long>(s, SlotLongs).Clear();
        lock (_gate)
        {
            if (Volatile.Read(ref _memory[HighWater]) < slot + 1)
            {
                Volatile.Write(ref _memory[HighWater], slot + 1);
            }
        }
    }

    /// <summary>Master: the worker in <paramref name="slot"/> exited. Its counters move to the retired totals
    /// (so sums never go backwards) and its slot empties.</summary>
    public void Retire(int slot)
    {
        if (slot < 0 || slot >= _capacity)
        {
            return;
        }
        var s = Slot(slot);
        var retired = Slot(_capacity);
        Interlocked.Add(ref retired[Requests], Volatile.Read(ref s[Requests]));
        Interlocked.Add(ref retired[Bytes], Volatile.Read(ref s[Bytes]));
        Interlocked.Add(ref retired[Accepted], Volatile.Read(ref s[Accepted]));
        for (var i = OtherStatus; i < FirstBucket + Buckets; i++)
        {
            if (Volatile.Read(ref s[i]) is var n and not 0)
            {
                Interlocked.Add(ref retired[i], n);
            }
        }
        new Span<long>(s, SlotLongs).Clear();
    }

    /// <summary>One response written: its status, the bytes sent and how long since its head began.</summary>
    public void RecordResponse(int status, long bytes, TimeSpan elapsed)
    {
        Interlocked.Increment(ref _own[Requests]);
        if (bytes > 0)
        {
            Interlocked.Add(ref _own[Bytes], bytes);
        }
        Interlocked.Increment(ref _own[status is >= 100 and <= 599 ? FirstStatus + status : OtherStatus]);
        Interlocked.Increment(ref _own[FirstBucket + BucketOf((long)elapsed.TotalMicroseconds)]);
    }

    /// <summary>One connection accepted (admitted or refused).</summary>
    public void RecordAccepted() => Interlocked.Increment(ref _own[Accepted]);

    /// <summary>The sampler's view of this process: connections by state and the request rate.</summary>
    public void Sample(int newConnections, int active, int idle, double requestsPerSecond)
    {
        Volatile.Write(ref _own[NewConnections], newConnections);
        Volatile.Write(ref _own[ActiveConnections], active);
        Volatile.Write(ref _own[IdleConnections], idle);
        Volatile.Write(ref _own[RateMilli], (long)(requestsPerSecond * 1000));
    }

    /// <summary>Requests this process answered so far.</summary>
    public long OwnRequests => Volatile.Read(ref _own[Requests]);

    /// <summary>Reads every slot: each live process's figures and their sum (with the retired totals).</summary>
    public ScoreboardReading Read()
    {
        var processes = new List<ProcessFigures>();
        var total = new ProcessFigures();
        var highWater = (int)Math.Min(Volatile.Read(ref _memory[HighWater]), _capacity);
        for (var slot = 0; slot < highWater; slot++)
        {
            var s = Slot(slot);
            var pid = (int)Volatile.Read(ref s[Pid]);
            if (pid == 0)
            {
                continue; // claimed, not yet started (or a slot of an exited worker)
            }
            var figures = ReadSlot(s, pid);
            processes.Add(figures);
            total.Add(figures);
        }
        if (_capacity > 1)
        {
            total.Add(ReadSlot(Slot(_capacity), 0));
        }
        return new ScoreboardReading((int)_memory[MasterPid], DateTimeOffset.FromUnixTimeMilliseconds(_memory[MasterStarted]), total, processes);
    }

    /// <summary>Frees private memory; shared memory stays mapped until the process exits (as SharedSignal's).</summary>
    public void Dispose()
    {
        if (_ownsMemory)
        {
            NativeMemory.Free(_memory);
        }
        if (_ownIsScratch)
        {
            NativeMemory.Free(_own);
        }
    }

    /// <summary>The bucket of a latency of <paramref name="microseconds"/>: 8 per power of two.</summary>
    public static int BucketOf(long microseconds)
    {
        if (microseconds < 8)
        {
            return (int)Math.Max(microseconds, 0);
        }
        var power = 63 - (int)long.LeadingZeroCount(microseconds); // >= 3
        var index = power * 8 + (int)((microseconds >> (power - 3)) & 7);
        return Math.Min(index - 16, Buckets - 1); // 8 µs (power 3, sub 0) is bucket 8
    }

    /// <summary>The largest latency, in microseconds, that falls in <paramref name="bucket"/>.</summary>
    public static long UpperBoundOf(int bucket)
    {
        if (bucket < 8)
        {
            return bucket;
        }
        var index = bucket + 16;
        int power = index / 8, sub = index % 8;
        return ((8L + sub + 1) << (power - 3)) - 1;
    }

    private readonly Lock _gate = new();

    private static long TotalBytes(int capacity) => (long)(capacity + 2) * SlotBytes; // header, slots, retired

    private long* Slot(int slot) => _memory + (long)(slot + 1) * SlotLongs;

    private static long* Map(SafeHandle fd, long offset)
    {
        var address = Mmap(null, (nuint)TotalBytes(SharedCapacity), PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd.DangerousGetHandle(), offset);
        return address == MapFailed ? throw Errno.LastError("mmap") : (long*)address;
    }

    private void StampHeader(TimeProvider time)
    {
        _memory[MasterPid] = Environment.ProcessId;
        _memory[MasterStarted] = time.GetUtcNow().ToUnixTimeMilliseconds();
    }

    private void StampOwn(TimeProvider time)
    {
        Volatile.Write(ref _own[Started], time.GetUtcNow().ToUnixTimeMilliseconds());
        Volatile.Write(ref _own[Pid], Environment.ProcessId); // last: a reader sees the slot once it has a pid
    }

    private static ProcessFigures ReadSlot(long* s, int pid)
    {
        var figures = new ProcessFigures
        {
            Pid = pid,
            Started = DateTimeOffset.FromUnixTimeMilliseconds(Volatile.Read(ref s[Started])),
            Requests = Volatile.Read(ref s[Requests]),
            Bytes = Volatile.Read(ref s[Bytes]),
            Accepted = Volatile.Read(ref s[Accepted]),
            New = (int)Volatile.Read(ref s[NewConnections]),
            Active = (int)Volatile.Read(ref s[ActiveConnections]),
            Idle = (int)Volatile.Read(ref s[IdleConnections]),
            RequestsPerSecond = Volatile.Read(ref s[RateMilli]) / 1000.0,
            OtherStatuses = Volatile.Read(ref s[OtherStatus]),
        };
        for (var status = 100; status <= 599; status++)
        {
            figures.Statuses[status - 100] = Volatile.Read(ref s[FirstStatus + status]);
        }
        for (var b = 0; b < Buckets; b++)
        {
            figures.Latency[b] = Volatile.Read(ref s[FirstBucket + b]);
        }
        return figures;
    }
}
