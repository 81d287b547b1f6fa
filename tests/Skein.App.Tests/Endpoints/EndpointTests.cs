// Handler-level tests of the built-in endpoints: /io on a fake clock, /cpu's prime count, /wait + /notify +
// /waiters with many concurrent waiters, cancellation, /echo with Content-Length and chunked bodies, --delay.
using System.Text;
using Skein.App.Tests.Support;
using Skein.Http.Application;

namespace Skein.App.Tests.Endpoints;

public sealed class EndpointTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly TestSite _site = new();

    public void Dispose() => _site.Dispose();

    [Fact]
    public async Task Io_waits_one_second_on_the_clock_then_serves_the_index()
    {
        var handler = _site.Create();
        var pending = handler.HandleAsync(Requests.Get("/io"), CancellationToken.None).AsTask();
        Assert.False(pending.IsCompleted);
        _site.Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(pending.IsCompleted);
        _site.Time.Advance(TimeSpan.FromMilliseconds(1));
        var response = await pending.WaitAsync(Deadline);
        Assert.Equal(200, response.Status);
        Assert.Contains("home page", await Requests.ReadTextAsync(response));
        Assert.Equal("no-store", response.Headers.Get("Cache-Control"));
    }

    [Fact]
    public async Task Io_is_cancelled_with_its_request()
    {
        using var cancel = new CancellationTokenSource();
        var pending = _site.Create().HandleAsync(Requests.Get("/io"), cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Deadline));
    }

    [Fact]
    public async Task Cpu_counts_the_primes_below_a_million_then_serves_the_index()
    {
        var response = await _site.Create().GetAsync("/cpu");
        Assert.Equal(200, response.Status);
        Assert.Equal("78498", response.Headers.Get("X-Primes"));
        Assert.Contains("home page", await Requests.ReadTextAsync(response));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(10, 4)]
    [InlineData(100, 25)]
    [InlineData(7919, 1000)]
    public void Prime_counts_are_right(int limit, int count)
    {
        Assert.Equal(count, Skein.App.Endpoints.PrimeCounter.CountPrimes(limit));
    }

    [Fact]
    public async Task Notify_releases_every_waiter_with_their_count()
    {
        const int waiters = 500;
        var handler = _site.Create();
        var pending = Enumerable.Range(0, waiters).Select(_ => handler.HandleAsync(Requests.Get("/wait"), CancellationToken.None).AsTask()).ToArray();
        Assert.Equal($"{waiters}\n", await Requests.ReadTextAsync(await handler.GetAsync("/waiters")));
        Assert.All(pending, task => Assert.False(task.IsCompleted));

        var notify = await handler.GetAsync("/notify");
        Assert.Equal($"{waiters}\n", await Requests.ReadTextAsync(notify));
        var released = await Task.WhenAll(pending).WaitAsync(Deadline);
        foreach (var response in released)
        {
            Assert.Equal(200, response.Status);
            Assert.Equal($"{waiters}\n", await Requests.ReadTextAsync(response));
        }
        Assert.Equal("0\n", await Requests.ReadTextAsync(await handler.GetAsync("/waiters")));
        Assert.Equal("0\n", await Requests.ReadTextAsync(await handler.SendAsync(Requests.Make("POST", "/notify", "Content-Length: 0"))));
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_and_is_not_counted()
    {
        var handler = _site.Create();
        using var gone = new CancellationTokenSource();
        var leaving = handler.HandleAsync(Requests.Get("/wait"), gone.Token).AsTask();
        var staying = handler.HandleAsync(Requests.Get("/wait"), CancellationToken.None).AsTask();
        Assert.Equal("2\n", await Requests.ReadTextAsync(await handler.GetAsync("/waiters")));

        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving.WaitAsync(Deadline));
        Assert.Equal("1\n", await Requests.ReadTextAsync(await handler.GetAsync("/waiters")));
        Assert.Equal("1\n", await Requests.ReadTextAsync(await handler.GetAsync("/notify")));
        Assert.Equal("1\n", await Requests.ReadTextAsync(await staying.WaitAsync(Deadline)));
    }

    [Fact]
    public async Task No_waiter_is_lost_when_waits_race_notifies()
    {
        // Threads register waiters while another thread notifies in a loop; after a final notify every
        // waiter must have been released exactly once, and the released counts must add up.
        var registry = new Skein.App.Endpoints.WaiterRegistry();
        const int threads = 4, perThread = 2000;
        var waits = new Task<int>[threads * perThread];
        var notified = 0L;
        using var stop = new CancellationTokenSource();
        var notifier = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Interlocked.Add(ref notified, registry.NotifyAll());
            }
        });
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < perThread; i++)
            {
                waits[t * perThread + i] = registry.WaitAsync(CancellationToken.None).AsTask();
            }
        })));
        await stop.CancelAsync();
        await notifier.WaitAsync(Deadline);
        notified += registry.NotifyAll();
        await Task.WhenAll(waits).WaitAsync(Deadline);
        Assert.Equal(waits.Length, notified);
        Assert.Equal(0, registry.Count);
    }

    [Fact]
    public async Task Echo_returns_a_content_length_body()
    {
        var response = await _site.Create().SendAsync(Requests.Parse(
            "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world"));
        Assert.Equal(200, response.Status);
        Assert.Equal("text/plain", response.Headers.Get("Content-Type"));
        Assert.Equal(11, response.Body.Length);
        Assert.Equal("hello world", await Requests.ReadTextAsync(response));
    }

    [Fact]
    public async Task Echo_returns_a_chunked_body_as_a_stream()
    {
        var response = await _site.Create().SendAsync(Requests.Parse(
            "POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\nTrailer: x\r\n\r\n"));
        Assert.Equal(200, response.Status);
        Assert.Null(response.Body.Length);
        Assert.Equal("application/octet-stream", response.Headers.Get("Content-Type"));
        Assert.Equal("hello world", await Requests.ReadTextAsync(response));
    }

    [Fact]
    public async Task Echo_streams_a_large_body_with_its_length()
    {
        var payload = new byte[1_000_000];
        new Random(5).NextBytes(payload);
        var head = Encoding.ASCII.GetBytes($"PUT /echo HTTP/1.1\r\nHost: test\r\nContent-Length: {payload.Length}\r\n\r\n");
        var response = await _site.Create().SendAsync(Requests.Parse([.. head, .. payload]));
        var stream = Assert.IsType<StreamBody>(response.Body);
        Assert.Equal(payload.Length, stream.Length);
        Assert.Equal(payload, await Requests.ReadBodyAsync(response));
    }

    [Fact]
    public async Task Echo_of_nothing_is_empty()
    {
        var response = await _site.Create().SendAsync(Requests.Make("POST", "/echo", "Content-Length: 0"));
        Assert.Equal(200, response.Status);
        Assert.Equal(0, response.Body.Length);
    }

    [Fact]
    public async Task Delay_holds_every_request_for_the_configured_time()
    {
        var handler = _site.Create(o => o with { Delay = TimeSpan.FromSeconds(2) });
        var pending = handler.HandleAsync(Requests.Get("/index.html"), CancellationToken.None).AsTask();
        _site.Time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.False(pending.IsCompleted);
        _site.Time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(200, (await pending.WaitAsync(Deadline)).Status);
    }
}
