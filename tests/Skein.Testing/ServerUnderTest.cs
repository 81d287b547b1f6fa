// A Skein server running inside the test process on a loopback port the kernel chose, with any handler:
// for tests of the server machinery (timeouts, limits, shutdown) that need no child process. It runs the
// same ServerHost the program runs; it is not a mock. The process models need the real binary (SkeinProcess).
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Skein.Http.Application;
using Skein.Server;
using Skein.Server.Lifecycle;
using Skein.Server.Models;

namespace Skein.Testing;

/// <summary>An in-process server on 127.0.0.1 and a free port, stopped (gracefully, then joined) on dispose.</summary>
public sealed class ServerUnderTest : IAsyncDisposable
{
    private readonly Thread _thread;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerUnderTest(ServerContext server, Listener listener, IConcurrencyModel model)
    {
        Server = server;
        Listener = listener;
        _thread = new Thread(() =>
        {
            try
            {
                _exited.TrySetResult(ServerHost.Run(server, listener, model, handleSignals: false));
            }
            catch (Exception e)
            {
                _exited.TrySetException(e);
            }
        })
        { Name = "server-under-test", IsBackground = true };
        _thread.Start();
    }

    /// <summary>The running server's context (registry, shutdown coordinator...).</summary>
    public ServerContext Server { get; }

    /// <summary>The listener.</summary>
    public Listener Listener { get; }

    /// <summary>The bound port.</summary>
    public int Port => Listener.EndPoint.Port;

    /// <summary>The bound address and port.</summary>
    public IPEndPoint EndPoint => Listener.EndPoint;

    /// <summary>Completes with the exit code when the server has shut down.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>Starts a server with <paramref name="options"/> (the port is forced to 0) serving <paramref name="handler"/>.</summary>
    public static ServerUnderTest Start(ServerOptions options, IHttpHandler handler, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = (options with { Host = "127.0.0.1", Port = 0 }).Validate();
        var server = new ServerContext(options, handler, loggerFactory ?? NullLoggerFactory.Instance);
        var listener = Listener.Bind(options);
        return new ServerUnderTest(server, listener, ModelFactory.Create(server));
    }

    /// <summary>Requests a graceful shutdown and waits for the server to finish; returns its exit code.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        Server.Shutdown.RequestStop("test");
        return await _exited.Task.WaitAsync(timeout ?? Server.Options.ShutdownTimeout + Deadline.Default);
    }

    /// <summary>Stops the server and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            Server.Dispose();
        }
    }
}
