// The waiting line's look at the listener, between two requests: single takes every newcomer into its line (it
// is the only thread that will ever serve them), a process-pool worker one at most once its patience has passed.
// That look comes when a worker's own request is done, which under a burst is when the other workers' are too:
// a worker that took the whole backlog kept clients waiting behind it while its neighbours went idle (ten
// 1-second /io clients on five workers answered after up to 6 s instead of 2).
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Skein.Server.Lifecycle;
using Skein.Server.Models;
using Skein.Testing;

namespace Skein.Server.Tests.Lifecycle;

public sealed class WaitingLineTests
{
    [Theory]
    [InlineData(0, 3)]  // single: the whole backlog
    [InlineData(1, 1)]  // a process-pool worker (any patience): one newcomer per look
    public async Task A_look_at_the_listener_takes_every_newcomer_only_when_nobody_shares_the_listener(int patienceMs, int taken)
    {
        using var handler = new TestHandler();
        using var server = new ServerContext(new ServerOptions { Port = 0, Model = ConcurrencyModel.Single }.Validate(), handler, NullLoggerFactory.Instance);
        using var listener = Listener.Bind(IPAddress.Loopback, 0, backlog: 16);
        var clients = new List<Socket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                clients.Add(client);
                await client.ConnectAsync(listener.EndPoint);
            }
            var line = new WaitingLine(server, listener, capacity: 10, TimeSpan.FromMilliseconds(patienceMs));

            // The first look at a ready listener starts the patience (none for single); later looks take.
            await Deadline.UntilAsync(() =>
            {
                line.LookAtListener();
                return line.Count > 0;
            }, Deadline.Default, "a newcomer in the line");

            Assert.Equal(taken, line.Count);
            Assert.Equal(taken, server.Connections.Count);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }
}
