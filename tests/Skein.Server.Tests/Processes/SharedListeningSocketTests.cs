// A listening socket shared the way process-pool workers share it (a copy received over the channel): stopping
// one holder's Listener while it waits in TryAccept must wake it, leave the socket listening for everyone else,
// and close nothing but its own copy. Without SharedListeningSocket.Prepare, .NET would shut the socket down for
// all; with .NET's own Accept on it, the stop would close the process's descriptor 0 (Listener.AcceptShared).

using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Skein.Server.Lifecycle;
using Skein.Server.Processes;

namespace Skein.Server.Tests.Processes;

public sealed class SharedListeningSocketTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Stopping_a_shared_copy_during_accept_leaves_the_listener_open_for_the_others()
    {
        using var master = Listening();
        var standardInput = StandardInputGuardAttribute.Describe();
        using (var worker = WorkerCopyOf(master))
        {
            using var accepted = new SemaphoreSlim(0);
            var acceptLoop = Task.Factory.StartNew(() =>
            {
                while (worker.TryAccept(out var connection))
                {
                    connection.Dispose();
                    accepted.Release();
                }
            }, TaskCreationOptions.LongRunning);

            using (var first = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                await first.ConnectAsync(master.LocalEndPoint!);
                Assert.True(await accepted.WaitAsync(Deadline)); // the worker's copy accepts...
            }
            worker.Stop(); // ...and is stopped while its loop waits for the next connection
            await acceptLoop.WaitAsync(Deadline);
        }

        // The socket still listens for the other holders.
        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await second.ConnectAsync(master.LocalEndPoint!).WaitAsync(Deadline);
        using var served = await master.AcceptAsync().WaitAsync(Deadline);
        Assert.Equal(second.LocalEndPoint, served.RemoteEndPoint);
        Assert.Equal(standardInput, StandardInputGuardAttribute.Describe());
    }

    // A hybrid master on a socket systemd passed (shared, so non-blocking): its accept waits for the next client
    // instead of taking "nothing pending" for a failure to back off from, hands the descriptor over with the
    // client's address, and Stop wakes it while it waits.
    [Fact]
    public async Task A_shared_copy_waits_for_each_descriptor_it_hands_out_and_stops_while_waiting()
    {
        using var master = Listening();
        using var worker = WorkerCopyOf(master);
        var address = new byte[128]; // a struct sockaddr_storage
        var handOut = Task.Factory.StartNew(() =>
        {
            var ports = new List<int>();
            while (worker.TryAcceptDescriptor(address, out var length, out var descriptor))
            {
                using (descriptor)
                {
                    Assert.Equal(16, length); // a struct sockaddr_in: family, port in network order, address
                    ports.Add(BinaryPrimitives.ReadUInt16BigEndian(address.AsSpan(2)));
                }
            }
            return ports;
        }, TaskCreationOptions.LongRunning);

        var clients = new List<int>();
        for (var i = 0; i < 3; i++) // each arrives while the accept waits
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(master.LocalEndPoint!);
            clients.Add(((IPEndPoint)client.LocalEndPoint!).Port);
            Assert.Equal(0, await client.ReceiveAsync(new byte[1], SocketFlags.None).WaitAsync(Deadline)); // handed out and closed
        }
        worker.Stop();
        Assert.Equal(clients, await handOut.WaitAsync(Deadline));
    }

    [Fact]
    public async Task A_shared_copy_hands_out_blocking_sockets_that_serve_a_request()
    {
        using var master = Listening();
        using var worker = WorkerCopyOf(master);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(master.LocalEndPoint!);
        await client.SendAsync("ping"u8.ToArray());

        var served = await Task.Run(() => worker.TryAccept(out var connection) ? connection : null).WaitAsync(Deadline);
        Assert.NotNull(served);
        using (served)
        {
            Assert.True(served.Blocking);
            Assert.Equal(client.LocalEndPoint, served.RemoteEndPoint);
            var buffer = new byte[4];
            Assert.Equal(4, served.Receive(buffer));
            Assert.Equal("ping"u8.ToArray(), buffer);
        }
    }

    private static Socket Listening()
    {
        var master = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        master.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        master.Listen();
        return master;
    }

    // The listener a worker process makes of the copy of the master's socket it receives over its channel.
    private static Listener WorkerCopyOf(Socket master)
    {
        var (a, b) = UnixFdChannel.CreatePair();
        using (a)
        using (b)
        {
            a.Send([1], master.SafeHandle);
            b.Receive(new byte[4], out var fd);
            return Listener.FromShared(SharedListeningSocket.Prepare(UnixFdChannel.ToSocket(fd!)));
        }
    }
}
