// --status-path over real sockets: for every model (the process models as the real program, so the figures
// are summed over worker processes through the shared scoreboard) the JSON counts the requests and errors
// it was sent, names the model and its workers by pid; the HTML page is served; a client that is not on
// loopback (here: one a PROXY header names) is refused; without the option the path is the application's.
// --metrics-path: Prometheus text, summed over worker processes too.
using System.Net;
using System.Text;
using System.Text.Json;
using Skein.Server.Models;
using Skein.Testing;

namespace Skein.Server.Tests.Observability;

public sealed class StatusEndpointTests
{
    public static TheoryData<ConcurrencyModel> AllModels => [.. Enum.GetValues<ConcurrencyModel>()];

    [Theory]
    [MemberData(nameof(AllModels))]
    public async Task The_json_counts_every_request_and_error_of_every_worker(ConcurrencyModel model)
    {
        var folder = Directory.CreateTempSubdirectory("skein-status-").FullName;
        File.WriteAllText(Path.Combine(folder, "index.html"), "<p>status</p>\n");
        try
        {
            await using var server = await SkeinProcess.StartServeAsync("-m", ServerHost.ModelName(model), "-p", "0", "-w", "2",
                "-f", folder, "--status-path", "/skein-status");
            // A connection each, so the process models spread them over their workers.
            for (var i = 0; i < 4; i++)
            {
                Assert.Equal(200, (await RawClient.GetAsync(server.Port, "/")).Status);
                Assert.Equal(404, (await RawClient.GetAsync(server.Port, "/missing")).Status);
            }

            JsonElement status = default;
            await Deadline.UntilAsync(async () =>
            {
                status = await StatusJsonAsync(server.Port);
                return status.GetProperty("requests").GetInt64() >= 8;
            }, Deadline.Default, "8 requests counted");

            Assert.Equal(ServerHost.ModelName(model), status.GetProperty("model").GetString());
            Assert.Equal(server.Pid, status.GetProperty("pid").GetInt32());
            Assert.True(status.GetProperty("statuses").GetProperty("200").GetInt64() >= 4);
            Assert.Equal(4, status.GetProperty("errors").GetProperty("404").GetInt64());
            Assert.True(status.GetProperty("bytesSent").GetInt64() > 0);
            Assert.True(status.GetProperty("connectionsAccepted").GetInt64() >= 8);
            Assert.True(status.GetProperty("latencyMs").GetProperty("p99").GetDouble() >= status.GetProperty("latencyMs").GetProperty("p50").GetDouble());
            var workers = status.GetProperty("workers").EnumerateArray().ToList();
            Assert.NotEmpty(workers);
            Assert.All(workers, w => Assert.True(w.GetProperty("pid").GetInt32() > 0));
            if (model != ConcurrencyModel.Process) // its processes exit after their one connection: their counts are retired
            {
                Assert.Equal(status.GetProperty("requests").GetInt64(), workers.Sum(w => w.GetProperty("requests").GetInt64()));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.ProcessPool)]
    [InlineData(ConcurrencyModel.Hybrid)]
    public async Task Prometheus_metrics_sum_the_requests_of_every_worker(ConcurrencyModel model)
    {
        var folder = Directory.CreateTempSubdirectory("skein-metrics-");
        await using var server = await SkeinProcess.StartServeAsync("-m", ServerHost.ModelName(model), "-p", "0", "-w", "2",
            "-f", folder.FullName, "--metrics-path", "/metrics");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(404, (await RawClient.GetAsync(server.Port, "/missing")).Status);
        }

        RawResponse metrics = null!;
        await Deadline.UntilAsync(async () =>
        {
            metrics = await RawClient.GetAsync(server.Port, "/metrics");
            return metrics.Text.Contains("skein_requests_total{code=\"404\"} 5\n", StringComparison.Ordinal);
        }, Deadline.Default, "5 404s in /metrics");

        Assert.Equal(200, metrics.Status);
        Assert.StartsWith("text/plain; version=0.0.4", metrics.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Contains("# TYPE skein_request_duration_seconds histogram", metrics.Text, StringComparison.Ordinal);
        Assert.Contains("skein_request_duration_seconds_bucket{le=\"+Inf\"} ", metrics.Text, StringComparison.Ordinal);
        Assert.Contains("skein_workers ", metrics.Text, StringComparison.Ordinal);
        folder.Delete();
    }

    [Fact]
    public async Task The_page_is_html_that_asks_for_the_json_and_json_is_also_served_by_accept()
    {
        using var handler = new TestHandler();
        await using var server = InProcessModels.Start(ConcurrencyModel.Async, handler, o => o with { StatusPath = "/skein-status" });

        var page = await RawClient.GetAsync(server.Port, "/skein-status");
        Assert.Equal(200, page.Status);
        Assert.StartsWith("text/html", page.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Contains("?json", page.Text, StringComparison.Ordinal);

        using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync("GET /skein-status HTTP/1.1\r\nHost: h\r\nAccept: application/json\r\n\r\n");
        var json = await client.ReadResponseAsync();
        Assert.Equal("application/json", json.Header("Content-Type"));
        Assert.Equal("async", JsonDocument.Parse(json.Body).RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task A_client_that_is_not_on_loopback_is_refused_with_403()
    {
        using var handler = new TestHandler();
        await using var server = InProcessModels.Start(ConcurrencyModel.Async, handler,
            o => o with { StatusPath = "/skein-status", ProxyProtocol = true });

        using var client = await RawClient.ConnectAsync(server.EndPoint);
        await client.SendAsync((byte[])[.. ProxyCases.V1("PROXY TCP4 203.0.113.7 10.0.0.1 50000 443\r\n"),
            .. Encoding.ASCII.GetBytes("GET /skein-status?json HTTP/1.1\r\nHost: h\r\n\r\n")]);

        Assert.Equal(403, (await client.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task Without_the_option_the_path_belongs_to_the_application()
    {
        using var handler = new TestHandler();
        await using var server = InProcessModels.Start(ConcurrencyModel.Async, handler);

        var response = await RawClient.GetAsync(server.Port, "/skein-status?json");

        Assert.DoesNotContain("\"model\"", response.Text, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> StatusJsonAsync(int port)
    {
        var response = await RawClient.GetAsync(port, "/skein-status?json");
        Assert.Equal(200, response.Status);
        return JsonDocument.Parse(response.Body).RootElement.Clone();
    }
}
