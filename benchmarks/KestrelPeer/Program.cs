// KestrelPeer: a minimal ASP.NET Core (Kestrel) server for side-by-side measurements with Skein
// (benchmarks/peers/compare.sh). It serves a folder with UseFileServer (default documents, ETag/Last-Modified,
// ranges, sendfile) and the built-in endpoints the lab's io, cpu, comet and mixed workloads measure, with Skein's
// semantics: /io waits one second without a thread and answers the index page; /cpu counts the primes up to
// 1,000,000 by trial division on the request's thread (Skein's own PrimeCounter, compiled in from src/) and
// answers the index page with X-Primes; /wait is held until the next /notify and answers how many that notify
// released; /notify answers the same number; /waiters the number parked now.
// Nothing else: no logging, no compression. Usage: KestrelPeer --root DIR --port PORT
// It is a benchmark peer, not part of Skein.
using System.Globalization;
using Microsoft.Extensions.FileProviders;

var root = Path.GetFullPath(ArgValue(args, "--root") ?? "www");
var port = int.Parse(ArgValue(args, "--port") ?? "5080", CultureInfo.InvariantCulture);

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = true;
    kestrel.Listen(System.Net.IPAddress.Loopback, port);
});
var app = builder.Build();

var index = File.ReadAllBytes(Path.Combine(root, "index.html"));
var waiters = new Waiters();
app.MapGet("/io", async (HttpContext context) =>
{
    await Task.Delay(TimeSpan.FromSeconds(1), context.RequestAborted);
    context.Response.ContentType = "text/html; charset=utf-8";
    context.Response.Headers.CacheControl = "no-store";
    context.Response.ContentLength = index.Length;
    await context.Response.Body.WriteAsync(index, context.RequestAborted);
});
app.MapGet("/cpu", async (HttpContext context) =>
{
    var primes = Skein.App.Endpoints.PrimeCounter.CountPrimes(1_000_000);
    context.Response.ContentType = "text/html; charset=utf-8";
    context.Response.Headers.CacheControl = "no-store";
    context.Response.Headers["X-Primes"] = primes.ToString(CultureInfo.InvariantCulture);
    context.Response.ContentLength = index.Length;
    await context.Response.Body.WriteAsync(index, context.RequestAborted);
});
app.MapGet("/wait", async (HttpContext context) => await NumberAsync(context, await waiters.WaitAsync(context.RequestAborted)));
app.MapMethods("/notify", ["GET", "POST"], (HttpContext context) => NumberAsync(context, waiters.NotifyAll()));
app.MapGet("/waiters", (HttpContext context) => NumberAsync(context, waiters.Count));

app.UseFileServer(new FileServerOptions
{
    FileProvider = new PhysicalFileProvider(root),
    EnableDefaultFiles = true,
});
Console.WriteLine($"KestrelPeer serving {root} on 127.0.0.1:{port} (pid {Environment.ProcessId})");
app.Run();

// A plain-text number with a Content-Length (as Skein answers it; Results.Text would stream it chunked).
static Task NumberAsync(HttpContext context, int value)
{
    var body = System.Text.Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture) + "\n");
    context.Response.ContentType = "text/plain; charset=utf-8";
    context.Response.Headers.CacheControl = "no-store";
    context.Response.ContentLength = body.Length;
    return context.Response.Body.WriteAsync(body).AsTask();
}

static string? ArgValue(string[] args, string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

// The long-poll registry, as small as it can honestly be: a list of pending completions under a lock.
internal sealed class Waiters
{
    private readonly Lock _lock = new();
    private List<TaskCompletionSource<int>> _pending = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    public async Task<int> WaitAsync(CancellationToken aborted)
    {
        var waiter = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _pending.Add(waiter);
        }
        using (aborted.Register(() =>
        {
            lock (_lock)
            {
                _pending.Remove(waiter);
            }
            waiter.TrySetCanceled();
        }))
        {
            return await waiter.Task;
        }
    }

    public int NotifyAll()
    {
        List<TaskCompletionSource<int>> released;
        lock (_lock)
        {
            released = _pending;
            _pending = [];
        }
        foreach (var waiter in released)
        {
            waiter.TrySetResult(released.Count);
        }
        return released.Count;
    }
}
