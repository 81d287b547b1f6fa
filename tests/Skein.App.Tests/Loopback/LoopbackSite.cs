// The site served by the real server (async model) on 127.0.0.1, port 0, for tests that must see the bytes on
// the wire; and a raw client that sends one request per connection and reads until the server closes.
// Started per test class, stopped in DisposeAsync by requesting shutdown and joining the server thread.
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Skein.App.Tests.Support;
using Skein.Server;
using Skein.Server.Lifecycle;
using Skein.Server.Models;

namespace Skein.App.Tests.Loopback;

public sealed class LoopbackSite : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly ServerContext _server;
    private readonly Thread _thread;

    public LoopbackSite(string root)
    {
        var options = new ServerOptions { Port = 0, Model = ConcurrencyModel.Async, ShutdownTimeout = TimeSpan.FromSeconds(2), Folder = root }.Validate();
        var handler = SiteApplication.Create(new SiteOptions { Root = root });
        _server = new ServerContext(options, handler, NullLoggerFactory.Instance);
        var listener = Listener.Bind(IPAddress.Loopback, 0, 128);
        Port = listener.EndPoint.Port;
        var model = ModelFactory.Create(_server);
        _thread = new Thread(() =>
        {
            using (listener)
            {
                ServerHost.Run(_server, listener, model, handleSignals: false);
            }
        }) { IsBackground = true, Name = "loopback-site" };
        _thread.Start();
    }

    public int Port { get; }

    /// <summary>Sends <paramref name="request"/> (Latin-1) on a new connection and returns everything the
    /// server sent until it closed the connection (the request should say <c>Connection: close</c>).</summary>
    public async Task<byte[]> ExchangeAsync(string request) => await ExchangeAsync(Encoding.Latin1.GetBytes(request));

    public async Task<byte[]> ExchangeAsync(byte[] request)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(request, timeout.Token);
        using var received = new MemoryStream();
        await stream.CopyToAsync(received, timeout.Token);
        return received.ToArray();
    }

    /// <summary>Status code and body of a response that has a Content-Length (or ends at close).</summary>
    public static (int Status, string Head, byte[] Body) Split(byte[] response)
    {
        var text = Encoding.Latin1.GetString(response);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"No complete head in: {text}");
        var head = text[..end];
        var status = int.Parse(head.AsSpan(9, 3), provider: System.Globalization.CultureInfo.InvariantCulture);
        return (status, head, response[(end + 4)..]);
    }

    public async ValueTask DisposeAsync()
    {
        _server.Shutdown.RequestStop("test finished");
        await Task.Run(() => _thread.Join(Deadline));
        _server.Dispose();
    }
}
