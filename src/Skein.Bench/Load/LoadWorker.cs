// LoadWorker: one load thread, wrk's design: a private epoll instance driving a fixed set of non-blocking
// connections, one request in flight per connection, a private histogram and private counters (no locks,
// no allocation per request). Under a rate it also keeps each connection's schedule and measures latency
// from the scheduled send time (wrk2's coordinated-omission correction). It is not thread-safe: exactly one
// thread calls Run; others may only read the progress counters.
using System.Runtime.InteropServices;
using HdrHistogram;
using Skein.Bench.Http;
using Skein.Bench.Interop;
using Skein.Bench.Latency;

namespace Skein.Bench.Load;

internal sealed unsafe class LoadWorker : IDisposable
{
    private const int MaxEvents = 256;

    /// <summary>Receive buffer per connection: holds a response head or chunk-size line while incomplete.
    /// 16 KiB, like wrk's RECVBUF; a head larger than this counts as a read error.</summary>
    private const int ReceiveBufferSize = 16 * 1024;

    /// <summary>How often in-flight requests are checked against the timeout: 10 ms, fine enough for a
    /// timeout measured in seconds and cheap enough to scan every connection.</summary>
    private const double TimeoutScanMs = 10;

    /// <summary>After a failed connect, an as-fast-as-possible connection waits 10 ms before trying again,
    /// so a server that refuses connections is not hammered by a spinning thread.</summary>
    private const double ConnectRetryMs = 10;

    private readonly LoadPlan _plan;
    private readonly Connection[] _connections;
    private readonly int _epoll;
    private readonly byte* _events;
    /// <summary>Connections waiting for their next scheduled time (or a connect retry), earliest first: a
    /// heap, so a thousand connections at a high rate cost O(log n) per request rather than a scan.</summary>
    private readonly PriorityQueue<Connection, long> _timers;

    public LoadWorker(LoadPlan plan, int connectionCount)
    {
        _plan = plan;
        _connections = new Connection[connectionCount];
        _timers = new PriorityQueue<Connection, long>(connectionCount);
        for (int i = 0; i < connectionCount; i++)
        {
            _connections[i] = new Connection(i);
        }
        _epoll = Libc.EpollCreate1(Libc.EPOLL_CLOEXEC);
        if (_epoll < 0)
        {
            throw new IOException($"epoll_create1 failed: errno {Libc.LastError}");
        }
        _events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * Libc.EpollEventSize));
    }

    public HistogramBase Histogram { get; } = LatencyHistograms.Create();

    // Written only by the load thread; read by the progress reporter (64-bit reads do not tear on 64-bit).
    public long Requests;
    public long BytesRead;
    public long ConnectErrors;
    public long ReadErrors;
    public long WriteErrors;
    public long TimeoutErrors;
    public long Non2xx;

    public long ErrorsSoFar => Volatile.Read(ref ConnectErrors) + Volatile.Read(ref ReadErrors) + Volatile.Read(ref WriteErrors)
        + Volatile.Read(ref TimeoutErrors) + Volatile.Read(ref Non2xx);

    /// <summary>Drives the connections from <paramref name="start"/> until <paramref name="end"/> (Stopwatch
    /// ticks), or until <paramref name="cancel"/> fires; <paramref name="phase"/> offsets this worker's
    /// first scheduled request so the threads' schedules interleave.</summary>
    public void Run(long start, long end, long phase, CancellationToken cancel)
    {
        long interval = _plan.IntervalTicks;
        for (int i = 0; i < _connections.Length; i++)
        {
            var c = _connections[i];
            if (interval > 0)
            {
                // Spread this worker's connections evenly over one interval so requests do not leave in bursts.
                c.NextDue = start + phase + (interval * i / _connections.Length);
                Schedule(c);
            }
            else
            {
                StartRequest(c, start, start);
            }
        }

        long timeoutScanTicks = (long)(TimeoutScanMs * _plan.TicksPerMs);
        long nextTimeoutScan = start + timeoutScanTicks;
        while (true)
        {
            long now = Now();
            if (now >= end || cancel.IsCancellationRequested)
            {
                break;
            }
            FireTimers(now);
            if (now >= nextTimeoutScan)
            {
                ScanTimeouts(now);
                nextTimeoutScan = now + timeoutScanTicks;
            }
            long wake = Math.Min(end, nextTimeoutScan);
            if (_timers.TryPeek(out _, out long due))
            {
                wake = Math.Min(wake, due);
            }
            int n = Wait(Math.Max(0, wake - now));
            if (n < 0)
            {
                int errno = Libc.LastError;
                if (errno == Libc.EINTR)
                {
                    continue;
                }
                throw new IOException($"epoll_wait failed: errno {errno}");
            }
            for (int i = 0; i < n; i++)
            {
                byte* ev = _events + (i * Libc.EpollEventSize);
                uint events = *(uint*)ev;
                ulong data = *(ulong*)(ev + Libc.EpollDataOffset);
                var c = _connections[(int)(data & 0xFFFF_FFFF)];
                if (c.Generation == (uint)(data >> 32) && c.Fd >= 0)
                {
                    OnEvents(c, events);
                }
            }
        }

        foreach (var c in _connections)
        {
            CloseSocket(c);
        }
    }

    /// <summary>
    /// Waits for events for at most <paramref name="ticks"/>. epoll_pwait2 takes nanoseconds, so a request
    /// scheduled 300 µs ahead leaves on time; plain epoll_wait rounds up to whole milliseconds, which would
    /// add up to 1 ms to every scheduled request's measured latency. Falls back where the kernel or libc
    /// lacks epoll_pwait2.
    /// </summary>
    private int Wait(long ticks)
    {
        if (_hasPwait2)
        {
            long ns = (long)(ticks * _plan.NsPerTick);
            var timeout = new Libc.TimeSpec { Seconds = (nint)(ns / 1_000_000_000), Nanoseconds = (nint)(ns % 1_000_000_000) };
            try
            {
                int n = Libc.EpollPwait2(_epoll, _events, MaxEvents, &timeout, null);
                if (n >= 0 || Libc.LastError != Libc.ENOSYS)
                {
                    return n;
                }
            }
            catch (EntryPointNotFoundException)
            {
                // glibc older than 2.35: no wrapper.
            }
            _hasPwait2 = false;
        }
        return Libc.EpollWait(_epoll, _events, MaxEvents, (int)Math.Ceiling(ticks / _plan.TicksPerMs));
    }

    private bool _hasPwait2 = true;

    private void OnEvents(Connection c, uint events)
    {
        if (c.State == ConnState.Connecting)
        {
            if ((events & (Libc.EPOLLOUT | Libc.EPOLLERR | Libc.EPOLLHUP)) == 0)
            {
                return;
            }
            int error = 0;
            int length = sizeof(int);
            if (Libc.GetSockOpt(c.Fd, Libc.SOL_SOCKET, Libc.SO_ERROR, &error, &length) != 0 || error != 0)
            {
                ConnectErrors++;
                Fail(c, Now(), connectFailed: true);
                return;
            }
            c.State = ConnState.Sending;
            TrySend(c);
            return;
        }
        if (c.State == ConnState.Sending && (events & (Libc.EPOLLOUT | Libc.EPOLLERR | Libc.EPOLLHUP)) != 0)
        {
            TrySend(c);
        }
        if (c.State == ConnState.Receiving && (events & (Libc.EPOLLIN | Libc.EPOLLERR | Libc.EPOLLHUP | Libc.EPOLLRDHUP)) != 0)
        {
            // A FIN that arrived with the data raises no further edge: read on to the end of stream.
            TryReceive(c, peerClosed: (events & (Libc.EPOLLRDHUP | Libc.EPOLLHUP | Libc.EPOLLERR)) != 0);
        }
    }

    /// <summary>Begins a request whose latency counts from <paramref name="intended"/>.</summary>
    private void StartRequest(Connection c, long intended, long now)
    {
        c.IntendedAt = intended;
        c.StartedAt = now;
        c.Sent = 0;
        c.Length = 0;
        c.Parser.Reset();
        if (c.Fd >= 0)
        {
            c.State = ConnState.Sending;
            TrySend(c);
            return;
        }

        int fd = Libc.Socket(_plan.AddressFamily, Libc.SOCK_STREAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            // Out of descriptors or similar: the connection cannot be opened.
            ConnectErrors++;
            Fail(c, now, connectFailed: true);
            return;
        }
        int one = 1;
        // Requests are small and written whole; Nagle would only delay them (wrk does the same).
        Libc.SetSockOpt(fd, Libc.IPPROTO_TCP, Libc.TCP_NODELAY, &one, sizeof(int));
        c.Fd = fd;
        c.Generation++;
        byte* ev = stackalloc byte[16];
        *(uint*)ev = Libc.EPOLLIN | Libc.EPOLLOUT | Libc.EPOLLRDHUP | Libc.EPOLLET;
        *(ulong*)(ev + Libc.EpollDataOffset) = ((ulong)c.Generation << 32) | (uint)c.Index;
        if (Libc.EpollCtl(_epoll, Libc.EPOLL_CTL_ADD, fd, ev) != 0)
        {
            throw new IOException($"epoll_ctl failed: errno {Libc.LastError}");
        }
        int result;
        fixed (byte* address = _plan.SocketAddress)
        {
            result = Libc.Connect(fd, address, _plan.SocketAddress.Length);
        }
        if (result == 0)
        {
            c.State = ConnState.Sending;
            TrySend(c);
            return;
        }
        int errno = Libc.LastError;
        if (errno == Libc.EINPROGRESS || errno == Libc.EAGAIN)
        {
            c.State = ConnState.Connecting;
            return;
        }
        ConnectErrors++;
        Fail(c, now, connectFailed: true);
    }

    private void TrySend(Connection c)
    {
        var request = _plan.Request;
        fixed (byte* bytes = request)
        {
            while (c.Sent < request.Length)
            {
                nint n = Libc.Send(c.Fd, bytes + c.Sent, request.Length - c.Sent, Libc.MSG_NOSIGNAL);
                if (n > 0)
                {
                    c.Sent += (int)n;
                    continue;
                }
                int errno = Libc.LastError;
                if (errno == Libc.EAGAIN)
                {
                    return; // the next EPOLLOUT edge resumes
                }
                if (errno == Libc.EINTR)
                {
                    continue;
                }
                WriteErrors++;
                Fail(c, Now(), connectFailed: false);
                return;
            }
        }
        c.State = ConnState.Receiving;
    }

    private void TryReceive(Connection c, bool peerClosed)
    {
        var buffer = c.Buffer;
        fixed (byte* start = buffer)
        {
            while (true)
            {
                int space = buffer.Length - c.Length;
                if (space == 0)
                {
                    // A head (or chunk line) larger than the whole buffer: not something we can frame.
                    ReadErrors++;
                    Fail(c, Now(), connectFailed: false);
                    return;
                }
                nint n = Libc.Recv(c.Fd, start + c.Length, space, 0);
                if (n > 0)
                {
                    BytesRead += n;
                    c.Length += (int)n;
                    var status = c.Parser.Parse(buffer.AsSpan(0, c.Length), out int consumed);
                    if (status == ResponseParseStatus.Complete)
                    {
                        // Nothing may follow: one request is in flight, so extra bytes mean a confused server.
                        bool clean = consumed == c.Length;
                        OnResponse(c, keepOpen: clean);
                        return;
                    }
                    if (status == ResponseParseStatus.Invalid)
                    {
                        ReadErrors++;
                        Fail(c, Now(), connectFailed: false);
                        return;
                    }
                    if (consumed > 0)
                    {
                        // Keep only the unconsumed tail (a partial line) at the front of the buffer.
                        buffer.AsSpan(consumed, c.Length - consumed).CopyTo(buffer);
                        c.Length -= consumed;
                    }
                    if (n < space && !peerClosed)
                    {
                        return; // the socket is drained; the next EPOLLIN edge brings more
                    }
                    continue;
                }
                if (n == 0)
                {
                    if (c.Parser.OnEndOfStream())
                    {
                        OnResponse(c, keepOpen: false);
                    }
                    else
                    {
                        // RFC 9112 §8: a response cut short by the close is incomplete.
                        ReadErrors++;
                        Fail(c, Now(), connectFailed: false);
                    }
                    return;
                }
                int errno = Libc.LastError;
                if (errno == Libc.EAGAIN)
                {
                    return;
                }
                if (errno == Libc.EINTR)
                {
                    continue;
                }
                ReadErrors++;
                Fail(c, Now(), connectFailed: false);
                return;
            }
        }
    }

    private void OnResponse(Connection c, bool keepOpen)
    {
        long now = Now();
        LatencyHistograms.Record(Histogram, (long)((now - c.IntendedAt) * _plan.NsPerTick));
        Requests++;
        int status = c.Parser.StatusCode;
        if (status is < 200 or > 299)
        {
            Non2xx++;
        }
        if (!keepOpen || !_plan.Settings.KeepAlive || !c.Parser.KeepAlive)
        {
            CloseSocket(c);
        }
        Next(c, now);
    }

    /// <summary>The current request failed (already counted): drop the connection and go on.</summary>
    private void Fail(Connection c, long now, bool connectFailed)
    {
        CloseSocket(c);
        if (connectFailed)
        {
            // Retry from the timer, never straight from here: a connect can fail synchronously, and an
            // immediate retry would recurse (or spin) for as long as the server refuses.
            c.NextDue = _plan.IntervalTicks == 0 ? now + (long)(ConnectRetryMs * _plan.TicksPerMs) : c.NextDue + _plan.IntervalTicks;
            Schedule(c);
            return;
        }
        Next(c, now);
    }

    /// <summary>Issues the connection's next request: at once when running flat out, else at its scheduled time.</summary>
    private void Next(Connection c, long now)
    {
        long interval = _plan.IntervalTicks;
        if (interval == 0)
        {
            StartRequest(c, now, now);
            return;
        }
        c.NextDue += interval;
        if (c.NextDue <= now)
        {
            // Behind schedule (the server was slow): send now, but count latency from when it was due.
            StartRequest(c, c.NextDue, now);
            return;
        }
        Schedule(c);
    }

    private void Schedule(Connection c)
    {
        c.State = ConnState.Waiting;
        _timers.Enqueue(c, c.NextDue);
    }

    private void FireTimers(long now)
    {
        while (_timers.TryPeek(out var c, out long due) && due <= now)
        {
            _timers.Dequeue();
            if (c.State != ConnState.Waiting || c.NextDue != due)
            {
                continue; // a stale entry: the connection moved on since it was queued
            }
            // A retry after a failed connect is not a scheduled request: its latency starts now.
            StartRequest(c, _plan.IntervalTicks > 0 ? c.NextDue : now, now);
        }
    }

    private void ScanTimeouts(long now)
    {
        foreach (var c in _connections)
        {
            if (c.State is ConnState.Connecting or ConnState.Sending or ConnState.Receiving && now - c.StartedAt > _plan.TimeoutTicks)
            {
                if (c.State == ConnState.Connecting)
                {
                    ConnectErrors++;
                    Fail(c, now, connectFailed: true);
                }
                else
                {
                    TimeoutErrors++;
                    Fail(c, now, connectFailed: false);
                }
            }
        }
    }

    private static void CloseSocket(Connection c)
    {
        if (c.Fd >= 0)
        {
            // close(2) also removes the descriptor from the epoll set.
            Libc.Close(c.Fd);
            c.Fd = -1;
        }
    }

    private static long Now() => System.Diagnostics.Stopwatch.GetTimestamp();

    public void Dispose()
    {
        foreach (var c in _connections)
        {
            CloseSocket(c);
        }
        Libc.Close(_epoll);
        NativeMemory.Free(_events);
    }

    private enum ConnState { Waiting, Connecting, Sending, Receiving }

    private sealed class Connection(int index)
    {
        public readonly int Index = index;
        public readonly byte[] Buffer = GC.AllocateUninitializedArray<byte>(ReceiveBufferSize, pinned: true);
        public readonly HttpResponseParser Parser = new();
        public int Fd = -1;
        public uint Generation;
        public ConnState State;
        public long IntendedAt;
        public long StartedAt;
        public long NextDue;
        public int Sent;
        public int Length;
    }
}
