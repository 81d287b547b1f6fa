// StubServer: a tiny loopback TCP server for the client-tool tests, built on raw sockets so each test can
// make it misbehave exactly one way (stall, cut a response short, never answer, answer 500). It is not an
// HTTP server: the behaviour delegate decides every byte. Disposing it stops the accept loop and closes
// every connection it accepted.
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Skein.Bench.Tests.Stubs;

internal sealed class StubServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<StubConnection, CancellationToken, Task> _serve;
    private readonly List<Task> _connections = [];
    private readonly List<Socket> _sockets = [];
    private readonly Lock _lock = new();
    private readonly Task _acceptLoop;

    /// <param name="serve">Runs once per accepted connection.</param>
    /// <param name="backlog">Listen backlog; large for the comet test's thousand connections.</param>
    public StubServer(Func<StubConnection, CancellationToken, Task> serve, int backlog = 512)
    {
        _serve = serve;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(backlog);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    public Uri Url(string path = "/") => new($"http://127.0.0.1:{Port}{path}");

    /// <summary>Answers every request on a connection with <paramref name="response"/>.</summary>
    public static StubServer Answering(string response) =>
        new(async (c, ct) =>
        {
            var bytes = Encoding.ASCII.GetBytes(response);
            while (await c.ReadRequestAsync(ct) is not null)
            {
                await c.Socket.SendAsync(bytes, ct);
            }
        });

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            lock (_lock)
            {
                _sockets.Add(socket);
                _connections.Add(ServeOneAsync(socket));
            }
        }
    }

    private async Task ServeOneAsync(Socket socket)
    {
        try
        {
            await _serve(new StubConnection(socket), _stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client went away or the test is over: both are normal endings for a stub connection.
        }
        finally
        {
            socket.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        Task[] pending;
        lock (_lock)
        {
            foreach (var s in _sockets)
            {
                s.Dispose();
            }
            pending = [.. _connections];
        }
        await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}

/// <summary>One accepted connection, with a request-head reader that keeps pipelined leftovers.</summary>
internal sealed class StubConnection(Socket socket)
{
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _length;

    public Socket Socket { get; } = socket;

    /// <summary>Reads one request head (no body); null when the client closed.</summary>
    public async Task<string?> ReadRequestAsync(CancellationToken ct)
    {
        while (true)
        {
            int end = _buffer.AsSpan(0, _length).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                string head = Encoding.ASCII.GetString(_buffer, 0, end);
                int used = end + 4;
                _buffer.AsSpan(used, _length - used).CopyTo(_buffer);
                _length -= used;
                return head;
            }
            int n = await Socket.ReceiveAsync(_buffer.AsMemory(_length), ct);
            if (n == 0)
            {
                return null;
            }
            _length += n;
        }
    }
}
