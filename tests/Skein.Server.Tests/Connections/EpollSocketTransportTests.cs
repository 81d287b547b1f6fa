// The event-loop transport joins its loop's epoll set only when it first has to wait: a request that was
// there by the accept is read with no epoll_ctl (a `Connection: close` exchange never registers at all),
// and a connection that does wait is woken by bytes that arrive after it joined, as before. A receive that
// waits with nothing unread holds no input buffer meanwhile; one that waits for the rest of a head keeps it.
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Skein.Server.Connections;
using Skein.Server.Lifecycle;
using Skein.Server.Threading;
using Skein.Testing;

namespace Skein.Server.Tests.Connections;

public sealed class EpollSocketTransportTests
{
    [Fact]
    public async Task Bytes_already_there_are_read_without_joining_the_set_and_a_wait_joins_it_once()
    {
        using var loop = new EventLoop(0, NullLogger.Instance);
        var (client, server) = await ConnectedPairAsync();
        using var _ = client;
        client.Send("GET / HTTP/1.1\r\n\r\n"u8);
        await Deadline.UntilAsync(() => server.Available > 0, Deadline.Default, "the request in the server's socket");

        var seen = new List<(string Step, int Registered, string Received)>();
        var waiting = NewSignal();
        var done = NewSignal();
        loop.Spawn(async () =>
        {
            try
            {
                using var transport = new EpollSocketTransport(loop, new Connection(1, server), maxInputBytes: 8192);
                Assert.True(await transport.ReceiveAsync(Deadline.Default));
                seen.Add(("first read", loop.Registered, Text(transport)));
                transport.Consume(transport.Received.Length);

                var next = transport.ReceiveAsync(Deadline.Default); // nothing there: it waits, in the set
                seen.Add(("waiting", loop.Registered, ""));
                waiting.SetResult();
                Assert.True(await next);
                seen.Add(("woken", loop.Registered, Text(transport)));
                transport.Consume(transport.Received.Length);

                client.Send("C"u8); // a wait after the first joins nothing more
                Assert.True(await transport.ReceiveAsync(Deadline.Default));
                seen.Add(("again", loop.Registered, Text(transport)));
            }
            catch (Exception e)
            {
                done.TrySetException(e);
                return;
            }
            done.SetResult();
        });
        await waiting.Task.WaitAsync(Deadline.Default);
        client.Send("AB"u8);
        await done.Task.WaitAsync(Deadline.Default);

        Assert.Equal(
            [("first read", 0, "GET / HTTP/1.1\r\n\r\n"), ("waiting", 1, ""), ("woken", 1, "AB"), ("again", 1, "C")],
            seen);
        await Deadline.UntilAsync(() => loop.Registered == 0, Deadline.Default, "the closed socket out of the set");
    }

    [Fact]
    public async Task A_receive_waits_without_an_input_buffer_unless_it_holds_unread_bytes()
    {
        using var loop = new EventLoop(0, NullLogger.Instance);
        var (client, server) = await ConnectedPairAsync();
        using var _ = client;

        var seen = new List<(string Step, bool Holds, string Received)>();
        var waits = new[] { NewSignal(), NewSignal(), NewSignal() };
        var done = NewSignal();
        loop.Spawn(async () =>
        {
            try
            {
                using var transport = new EpollSocketTransport(loop, new Connection(1, server), maxInputBytes: 8192);
                var first = transport.ReceiveAsync(Deadline.Default); // a fresh connection whose request is late
                seen.Add(("waiting for a request", transport.HoldsInputBuffer, ""));
                waits[0].SetResult();
                Assert.True(await first);
                seen.Add(("part of a head", transport.HoldsInputBuffer, Text(transport)));

                var rest = transport.ReceiveAsync(Deadline.Default); // nothing consumed: the bytes wait with it
                seen.Add(("waiting for the rest", transport.HoldsInputBuffer, Text(transport)));
                waits[1].SetResult();
                Assert.True(await rest);
                seen.Add(("whole head", transport.HoldsInputBuffer, Text(transport)));
                transport.Consume(transport.Received.Length);

                var next = transport.ReceiveAsync(Deadline.Default); // between requests
                seen.Add(("waiting for the next", transport.HoldsInputBuffer, ""));
                waits[2].SetResult();
                Assert.True(await next);
                seen.Add(("next", transport.HoldsInputBuffer, Text(transport)));
            }
            catch (Exception e)
            {
                done.TrySetException(e);
                return;
            }
            done.SetResult();
        });
        await waits[0].Task.WaitAsync(Deadline.Default);
        client.Send("GET / HT"u8);
        await waits[1].Task.WaitAsync(Deadline.Default);
        client.Send("TP/1.1\r\n\r\n"u8);
        await waits[2].Task.WaitAsync(Deadline.Default);
        client.Send("GET /2"u8);
        await done.Task.WaitAsync(Deadline.Default);

        Assert.Equal(
            [
                ("waiting for a request", false, ""), ("part of a head", true, "GET / HT"),
                ("waiting for the rest", true, "GET / HT"), ("whole head", true, "GET / HTTP/1.1\r\n\r\n"),
                ("waiting for the next", false, ""), ("next", true, "GET /2"),
            ],
            seen);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string Text(EpollSocketTransport transport) => Encoding.ASCII.GetString(transport.Received);

    private static async Task<(Socket Client, Socket Server)> ConnectedPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        return (client, await listener.AcceptAsync());
    }
}
