// The client tools against the real Skein server (async model, the bundled app's endpoints), hosted in
// this test process on a loopback port: comet with 1,000 waiters, a short bench, a probe. These check
// that the tools and the server agree on the wire; the server's own behaviour is tested in its projects.
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Skein.App;
using Skein.Bench.Comet;
using Skein.Bench.Load;
using Skein.Bench.Probe;
using Skein.Server;
using Skein.Server.Lifecycle;
using Skein.Server.Models;

namespace Skein.Bench.Tests;

public sealed class AgainstSkeinTests
{
    [Fact]
    public async Task Comet_with_a_thousand_waiters_passes_against_skein()
    {
        Assert.Null(CometRunner.CheckCapacity(2 * 1000)); // this process hosts both ends
        await using var skein = SkeinUnderTest.Start();
        var result = await CometRunner.RunAsync(new CometSettings { Url = skein.Url, Clients = 1000 }).WaitAsync(TestTimeouts.Default * 2);

        Assert.True(result.Passed, string.Join("\n", CometReport.Lines(result)));
        Assert.Equal(1000, result.Succeeded);
        Assert.NotNull(result.Registered);
    }

    [Fact]
    public async Task Bench_and_probe_read_skein_responses_without_errors()
    {
        await using var skein = SkeinUnderTest.Start();
        // The probe first: it also warms the server up (JIT), so the short load run measures requests.
        var probe = await ProbeRunner.RunAsync(new ProbeSettings { Url = new Uri(skein.Url, "/index.html"), Clients = 5 }).WaitAsync(TestTimeouts.Default);
        Assert.All(probe.Samples, s => Assert.Equal(200, s.Status));

        var load = await Task.Run(() => LoadGenerator.Run(new LoadSettings
        {
            // How many requests fit in the run depends on the machine's load, not on the tools; that those
            // read are read right does not. A generous per-request timeout keeps a slow answer from counting
            // as a timeout error on a busy machine.
            Url = new Uri(skein.Url, "/index.html"), Connections = 4, Threads = 1, Duration = TimeSpan.FromSeconds(3),
            Timeout = TestTimeouts.Default,
        })).WaitAsync(TestTimeouts.Default * 2);
        Assert.True(load.Requests > 0, $"{load.Requests} requests, errors {load.Errors}");
        Assert.Equal(0, load.Errors.Total);
    }

    /// <summary>A Skein server on 127.0.0.1:0 serving a one-page site, stopped and joined on dispose.</summary>
    private sealed class SkeinUnderTest : IAsyncDisposable
    {
        private readonly string _root;
        private readonly ServerContext _server;
        private readonly Listener _listener;
        private readonly Task _run;

        private SkeinUnderTest()
        {
            _root = Directory.CreateTempSubdirectory("skein-bench-tests-").FullName;
            File.WriteAllText(Path.Combine(_root, "index.html"), "<!DOCTYPE html><title>t</title><p>hello</p>\n");
            var options = new ServerOptions { Model = ConcurrencyModel.Async, Port = 0, ShutdownTimeout = TimeSpan.FromSeconds(5) }.Validate();
            _server = new ServerContext(options, SiteApplication.Create(new SiteOptions { Root = _root }.Validate()), NullLoggerFactory.Instance);
            _listener = Listener.Bind(IPAddress.Loopback, 0, backlog: 4096);
            Url = new Uri($"http://127.0.0.1:{_listener.EndPoint.Port}/");
            var model = ModelFactory.Create(_server);
            _run = Task.Factory.StartNew(() => ServerHost.Run(_server, _listener, model, handleSignals: false), TaskCreationOptions.LongRunning);
        }

        public Uri Url { get; }

        public static SkeinUnderTest Start() => new();

        public async ValueTask DisposeAsync()
        {
            _server.Shutdown.RequestStop("test over");
            await _run.WaitAsync(TestTimeouts.Default);
            _listener.Dispose();
            _server.Dispose();
            Directory.Delete(_root, recursive: true);
        }
    }
}
