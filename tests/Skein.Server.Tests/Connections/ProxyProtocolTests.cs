// --proxy-protocol over real sockets, for every concurrency model (the process models in real worker
// processes: whoever serves a connection reads its header): the client a v1 or v2 header names reaches the
// access log; a v2 LOCAL health check is served as the peer itself; a connection without a valid header, or
// from a peer --proxy-from does not allow, is closed without one byte of response. The servers allow only
// 127.0.0.2 as proxy, so the tests play the proxy from 127.0.0.2 and a stranger from 127.0.0.1.
using System.Net;
using System.Text;
using Skein.Server.Models;
using Skein.Testing;

namespace Skein.Server.Tests.Connections;

public sealed class ProxyProtocolTests(ProxyProtocolTests.Servers servers) : IClassFixture<ProxyProtocolTests.Servers>
{
    private static readonly IPAddress Proxy = IPAddress.Parse("127.0.0.2");
    private static readonly IPEndPoint ProxyEnd = new(IPAddress.Parse("2001:db8::1"), 443);

    public static TheoryData<ConcurrencyModel> AllModels => [.. Enum.GetValues<ConcurrencyModel>()];

    [Theory]
    [MemberData(nameof(AllModels))]
    public async Task V1_and_v2_headers_put_the_client_they_name_in_the_access_log(ConcurrencyModel model)
    {
        var server = await servers.For(model);
        var v1 = Guid.NewGuid().ToString("N");
        var v2 = Guid.NewGuid().ToString("N");

        var first = await GetThroughProxyAsync(server.Port, ProxyCases.V1("PROXY TCP4 203.0.113.7 10.0.0.1 50000 443\r\n"), v1);
        var second = await GetThroughProxyAsync(server.Port, ProxyCases.V2Tcp(new IPEndPoint(IPAddress.Parse("2001:db8::9"), 6000), ProxyEnd), v2);

        Assert.Equal(200, first.Status);
        Assert.Equal(200, second.Status);
        await servers.WaitForLogLineAsync(model, v1, "203.0.113.7 - - ");
        await servers.WaitForLogLineAsync(model, v2, "2001:db8::9 - - ");
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public async Task A_v2_LOCAL_health_check_is_served_as_the_proxy_itself(ConcurrencyModel model)
    {
        var server = await servers.For(model);
        var mark = Guid.NewGuid().ToString("N");

        var response = await GetThroughProxyAsync(server.Port, ProxyCases.V2(0x20, 0x00, []), mark);

        Assert.Equal(200, response.Status);
        await servers.WaitForLogLineAsync(model, mark, "127.0.0.2 - - ");
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public async Task Without_a_valid_header_the_connection_is_closed_without_a_response(ConcurrencyModel model)
    {
        var server = await servers.For(model);
        foreach (var invalid in new[] { ProxyCases.V1("GET / HTTP/1.1\r\nHost: h\r\n\r\n"), ProxyCases.V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n"), ProxyCases.V2(0x21, 0x12, new byte[12]) })
        {
            using var client = await RawClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port), Proxy);
            await client.SendAsync(invalid);
            Assert.Empty(await client.ReadUntilCloseAsync());
        }
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public async Task A_peer_outside_proxy_from_is_closed_even_with_a_valid_header(ConcurrencyModel model)
    {
        var server = await servers.For(model);
        using var stranger = await RawClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port), IPAddress.Loopback);
        await stranger.SendAsync((byte[])[.. ProxyCases.V1("PROXY TCP4 203.0.113.7 10.0.0.1 50000 443\r\n"), .. Request("/")]);

        Assert.Empty(await stranger.ReadUntilCloseAsync());
    }

    [Fact]
    public async Task Handlers_see_the_client_the_header_names()
    {
        using var handler = new TestHandler();
        await using var server = InProcessModels.Start(ConcurrencyModel.Async, handler,
            o => o with { ProxyProtocol = true, ProxyFrom = Skein.Http.Proxy.AddressRanges.Parse("127.0.0.2") });

        using var client = await RawClient.ConnectAsync(server.EndPoint, Proxy);
        await client.SendAsync((byte[])[.. ProxyCases.V1("PROXY TCP6 2001:db8::1 ::1 56324 443\r\n"), .. Request("/peer")]);

        Assert.Equal("[2001:db8::1]:56324", (await client.ReadResponseAsync()).Text);
    }

    private static byte[] Request(string target) => Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");

    private static async Task<RawResponse> GetThroughProxyAsync(int port, byte[] header, string mark)
    {
        using var client = await RawClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), Proxy);
        await client.SendAsync((byte[])[.. header, .. Request("/index.html?" + mark)]);
        return await client.ReadResponseAsync();
    }

    /// <summary>One `skein serve --proxy-protocol --proxy-from 127.0.0.2` per model, each with its own access log.</summary>
    public sealed class Servers : IAsyncLifetime
    {
        private readonly Dictionary<ConcurrencyModel, Task<SkeinProcess>> _servers = [];
        private readonly Lock _gate = new();
        private readonly string _directory = Directory.CreateTempSubdirectory("skein-proxy-").FullName;

        public Servers()
        {
            Directory.CreateDirectory(Path.Combine(_directory, "site"));
            File.WriteAllText(Path.Combine(_directory, "site", "index.html"), "<p>behind a proxy</p>\n");
        }

        public Task<SkeinProcess> For(ConcurrencyModel model)
        {
            lock (_gate)
            {
                if (!_servers.TryGetValue(model, out var server))
                {
                    server = SkeinProcess.StartServeAsync("-m", ServerHost.ModelName(model), "-p", "0", "-w", "2",
                        "-f", Path.Combine(_directory, "site"), "--proxy-protocol", "--proxy-from", "127.0.0.2", "--access-log", LogOf(model));
                    _servers[model] = server;
                }
                return server;
            }
        }

        /// <summary>Waits for the access log line that holds <paramref name="mark"/> and checks how it starts.</summary>
        public async Task WaitForLogLineAsync(ConcurrencyModel model, string mark, string start)
        {
            string? line = null;
            try
            {
                await Deadline.UntilAsync(() =>
                {
                    line = File.Exists(LogOf(model)) ? File.ReadLines(LogOf(model)).FirstOrDefault(l => l.Contains(mark, StringComparison.Ordinal)) : null;
                    return line is not null;
                }, Deadline.Default, $"an access log line with {mark}");
            }
            catch (TimeoutException e)
            {
                var log = File.Exists(LogOf(model)) ? File.ReadAllText(LogOf(model)) : "(no file)";
                throw new TimeoutException($"{e.Message}\nThe access log:\n{log}\nThe server's output:\n{(await For(model)).Output}", e);
            }
            Assert.StartsWith(start, line, StringComparison.Ordinal);
        }

        private string LogOf(ConcurrencyModel model) => Path.Combine(_directory, ServerHost.ModelName(model) + ".log");

        public Task InitializeAsync() => Task.CompletedTask;

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
}
