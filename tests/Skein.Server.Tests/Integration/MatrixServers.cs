// The servers the integration matrix talks to: one real `skein serve` child per concurrency model, started
// on first use and shared by the matrix tests, all serving a small temporary site with a secret file just
// outside its root (and symlinks pointing at it). Stopped by PID when the test class is done.
using Skein.Server.Models;
using Skein.Testing;

namespace Skein.Server.Tests.Integration;

public sealed class MatrixServers : IAsyncLifetime
{
    private readonly Dictionary<ConcurrencyModel, Task<SkeinProcess>> _servers = [];
    private readonly object _gate = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("skein-matrix-").FullName;

    public MatrixServers()
    {
        Root = Path.Combine(_directory, "site");
        Directory.CreateDirectory(Path.Combine(Root, "sub"));
        File.WriteAllText(Path.Combine(Root, "index.html"), "<!doctype html><html><head><link rel=\"stylesheet\" href=\"style.css\"></head><body><a href=\"sub/\">matrix site</a></body></html>\n");
        File.WriteAllText(Path.Combine(Root, "style.css"), "body { color: #333; }\n");
        File.WriteAllText(Path.Combine(Root, "sub", "index.html"), "<html><body>sub page</body></html>\n");
        // Beyond the memory cache (sent with sendfile(2)) and within it but longer than what is copied behind
        // the head (sent after the head): the two ways a file body leaves apart from its head.
        Large = RandomBytes(3 << 20, seed: 1);
        Medium = RandomBytes(200_000, seed: 2);
        File.WriteAllBytes(Path.Combine(Root, "large.bin"), Large);
        File.WriteAllBytes(Path.Combine(Root, "medium.bin"), Medium);
        File.WriteAllText(Path.Combine(_directory, "secret.txt"), Secret + "\n");
        File.CreateSymbolicLink(Path.Combine(Root, "escape.txt"), Path.Combine(_directory, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "up"), _directory);
    }

    /// <summary>Text that only the file outside the root contains.</summary>
    public string Secret { get; } = "SECRET-" + Guid.NewGuid().ToString("N");

    /// <summary>The contents of /large.bin (3 MiB: beyond the memory cache).</summary>
    public byte[] Large { get; }

    /// <summary>The contents of /medium.bin (200,000 bytes: cached, sent after the head).</summary>
    public byte[] Medium { get; }

    /// <summary>The document root.</summary>
    public string Root { get; }

    /// <summary>The shared server for <paramref name="model"/> (default workers), started on first use.</summary>
    public Task<SkeinProcess> For(ConcurrencyModel model)
    {
        lock (_gate)
        {
            if (!_servers.TryGetValue(model, out var server))
            {
                server = StartAsync(model);
                _servers[model] = server;
            }
            return server;
        }
    }

    /// <summary>A new server for <paramref name="model"/> on this site; the caller disposes it.</summary>
    public Task<SkeinProcess> StartAsync(ConcurrencyModel model, params string[] extra)
        => SkeinProcess.StartServeAsync(["-m", ServerHost.ModelName(model), "-p", "0", "-f", Root, .. extra]);

    public Task InitializeAsync() => Task.CompletedTask;

    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers.Values)
        {
            try
            {
                await (await server).DisposeAsync();
            }
            catch (InvalidOperationException)
            {
                // It never started; its test already failed with the reason.
            }
        }
        Directory.Delete(_directory, recursive: true);
    }
}
