// Tests of `skein probe` against a loopback stub: every client's request is reported with its status, the
// total covers the slowest, and a server that serves one client at a time shows a spread near the total.
using System.Text;
using Skein.Bench.Probe;
using Skein.Bench.Tests.Stubs;

namespace Skein.Bench.Tests.Probe;

[Collection(TimingSensitive.Name)]
public sealed class ProbeRunnerTests
{
    [Fact]
    public async Task Every_client_is_reported_with_its_status()
    {
        string? path = null;
        await using var server = new StubServer(async (c, ct) =>
        {
            var head = await c.ReadRequestAsync(ct);
            path = head?.Split(' ')[1];
            await c.Socket.SendAsync("HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), ct);
        });
        var lines = new List<string>();
        var settings = new ProbeSettings { Url = server.Url("/io"), Clients = 8 };
        var result = await ProbeRunner.RunAsync(settings, s => lines.Add(ProbeReport.Line(settings.Url, s))).WaitAsync(TestTimeouts.Default);

        Assert.Equal(8, result.Samples.Count);
        Assert.All(result.Samples, s => Assert.Equal(201, s.Status));
        Assert.Equal(Enumerable.Range(1, 8), result.Samples.Select(s => s.Client).Order());
        Assert.Equal("/io", path);
        Assert.NotNull(result.Ideal);
        Assert.True(result.Total >= result.Samples.Max(s => s.Elapsed));
        Assert.Equal(8, lines.Count);
        Assert.StartsWith($"{settings.Url} - Status Code: 201, took ", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_serving_one_at_a_time_spreads_the_answers()
    {
        // The stub answers each request 100 ms after the previous answer: a single-threaded server.
        var turn = new SemaphoreSlim(1);
        await using var server = new StubServer(async (c, ct) =>
        {
            await c.ReadRequestAsync(ct);
            await turn.WaitAsync(ct);
            try
            {
                await Task.Delay(100, ct); // the simulated work, not synchronisation
                await c.Socket.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), ct);
            }
            finally
            {
                turn.Release();
            }
        });
        var result = await ProbeRunner.RunAsync(new ProbeSettings { Url = server.Url(), Clients = 5 }).WaitAsync(TestTimeouts.Default);

        Assert.Equal(0, result.Failed);
        Assert.True(result.Spread >= TimeSpan.FromMilliseconds(350), $"spread {result.Spread.TotalMilliseconds} ms");
        Assert.True(result.Total >= TimeSpan.FromMilliseconds(450), $"total {result.Total.TotalMilliseconds} ms");
        Assert.True(result.Ideal >= TimeSpan.FromMilliseconds(90), $"ideal {result.Ideal?.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Refused_requests_are_reported_as_failed()
    {
        int port;
        using (var probe = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp))
        {
            probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            port = ((System.Net.IPEndPoint)probe.LocalEndPoint!).Port;
            var result = await ProbeRunner.RunAsync(new ProbeSettings { Url = new Uri($"http://127.0.0.1:{port}/"), Clients = 3 }).WaitAsync(TestTimeouts.Default);
            Assert.Equal(3, result.Failed);
            Assert.Null(result.Ideal);
            Assert.Contains("failed after", ProbeReport.Line(result.Settings.Url, result.Samples[0]), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(10, 4, 300)] // ceil(10 / 4) = 3 rounds of 100 ms
    [InlineData(10, 2, 500)]
    [InlineData(4, 8, 100)]
    [InlineData(1, 1, 100)]
    public void The_ideal_of_CPU_bound_requests_counts_the_cores(int clients, int cores, int expectedMs)
    {
        var settings = new ProbeSettings { Url = new Uri("http://127.0.0.1/cpu"), Clients = clients, ServerCores = cores, Work = ProbeWork.Computes };
        var result = new ProbeResult(settings, [], TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100));

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), result.IdealOnCores);
        Assert.Contains(ProbeReport.Summary(result), line => line.StartsWith($"Ideal {expectedMs}.00 ms on {cores} core(s)", StringComparison.Ordinal));
    }

    [Fact]
    public void Waiting_requests_keep_the_one_request_ideal_and_an_unknown_path_shows_both()
    {
        var io = new ProbeSettings { Url = new Uri("http://127.0.0.1/io"), Clients = 10, ServerCores = 2, Work = ProbeWork.Waits };
        var other = io with { Work = ProbeWork.Unknown };
        Assert.Contains(ProbeReport.Summary(new ProbeResult(io, [], TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100))),
            line => line.StartsWith("Ideal 100.00 ms (one request alone", StringComparison.Ordinal));
        Assert.Contains(ProbeReport.Summary(new ProbeResult(other, [], TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100))),
            line => line.Contains("100.00 ms if the work waits", StringComparison.Ordinal) && line.Contains("500.00 ms if it computes on 2 core(s)", StringComparison.Ordinal));
    }
}
