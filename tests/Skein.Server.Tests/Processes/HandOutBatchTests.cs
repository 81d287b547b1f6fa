// A hybrid master's batched hand-out, without processes: connections pending on a listener prepared for the
// hand-out are accepted without waiting, cross a worker channel as one ServeMany message (their sockets in one
// SCM_RIGHTS message, their clients' addresses in its payload), and arrive in accept order, each socket still
// talking to its own client; Stop wakes the master's accept while it waits for the next client.

using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using Skein.Server.Lifecycle;
using Skein.Server.Processes;

namespace Skein.Server.Tests.Processes;

public sealed class HandOutBatchTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Pending_connections_cross_in_one_message_in_order_with_their_addresses()
    {
        using var listener = Listener.Bind(IPAddress.Loopback, 0, backlog: 16);
        listener.PrepareForHandOut();
        var clients = new List<Socket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                clients.Add(client);
                await client.ConnectAsync(listener.EndPoint).WaitAsync(Deadline);
            }
            using var batch = new HandOutBatch();
            await Task.Factory.StartNew(() => AcceptInto(listener, batch, clients.Count), TaskCreationOptions.LongRunning).WaitAsync(Deadline);

            var (masterEnd, workerEnd) = UnixFdChannel.CreatePair();
            using var master = new WorkerChannel(masterEnd);
            using var worker = new WorkerChannel(workerEnd);
            Assert.True(master.TrySend(batch.Message, batch.Descriptors));
            batch.Clear(); // the master's copies: only the worker's keep the connections open

            var received = new SafeFileHandle?[HandOutBatch.MaxConnections];
            Assert.True(worker.TryReceiveNow(out var message, received, out var count, out var closed));
            Assert.False(closed);
            Assert.Equal(WorkerMessageKind.ServeMany, message.Kind);
            Assert.Equal(clients.Count, message.Value);
            Assert.Equal(clients.Count, count);
            Assert.Equal(clients.Select(client => ((IPEndPoint)client.LocalEndPoint!).Port), Ports(message.Payload));
            for (var i = 0; i < count; i++)
            {
                using var socket = new Socket(UnixFdChannel.ToSocket(received[i]!));
                await socket.SendAsync(new[] { (byte)i }, SocketFlags.None).WaitAsync(Deadline); // non-blocking, as accept4 made it
                var got = new byte[1];
                Assert.Equal(1, await clients[i].ReceiveAsync(got, SocketFlags.None).WaitAsync(Deadline));
                Assert.Equal((byte)i, got[0]);
            }
            Assert.False(worker.TryReceiveNow(out _, received, out _, out closed)); // one message for all
            Assert.False(closed);
        }
        finally
        {
            clients.ForEach(client => client.Dispose());
        }
    }

    [Fact]
    public async Task A_master_waiting_for_the_next_client_after_a_drained_backlog_wakes_on_stop()
    {
        using var listener = Listener.Bind(IPAddress.Loopback, 0, backlog: 16);
        listener.PrepareForHandOut();
        var address = new byte[128] /* a struct sockaddr_storage */;
        Assert.False(listener.TryAcceptDescriptorNow(address, out _, out _)); // nothing pending: no wait
        var waiting = Task.Factory.StartNew(
            () => listener.TryAcceptDescriptor(address, out _, out _, nonePending: true), TaskCreationOptions.LongRunning);
        listener.Stop();
        Assert.False(await waiting.WaitAsync(Deadline));
    }

    [Fact]
    public void A_batch_holds_at_most_one_message_of_connections_and_closes_what_it_holds()
    {
        using var batch = new HandOutBatch();
        var handles = new List<SafeFileHandle>();
        for (var i = 0; i < HandOutBatch.MaxConnections; i++)
        {
            var handle = File.OpenHandle("/dev/null");
            handles.Add(handle);
            batch.Add(handle, [2, 0, 0, (byte)i]);
        }
        Assert.True(batch.IsFull);
        Assert.True(batch.Message.EncodedBytes <= WorkerChannel.SmallMessageBytes);
        Assert.Throws<InvalidOperationException>(() => batch.Add(handles[0], [2, 0]));
        batch.Clear();
        Assert.Equal(0, batch.Count);
        Assert.All(handles, handle => Assert.True(handle.IsClosed));
    }

    // Two workers' turns of five connections accepted in one round: 0, 2, 4 to the first, 1, 3 to the second.
    [Fact]
    public void A_round_is_split_into_each_workers_turns_in_order()
    {
        using var accepted = new HandOutBatch();
        var handles = new List<SafeFileHandle>();
        for (var i = 0; i < 5; i++)
        {
            var handle = File.OpenHandle("/dev/null");
            handles.Add(handle);
            accepted.Add(handle, [2, 0, 0, (byte)i]);
        }
        using var first = new HandOutBatch();
        using var second = new HandOutBatch();
        accepted.MoveEvery(0, 2, first);
        accepted.MoveEvery(1, 2, second);
        accepted.Clear(); // holds none of them any more: closes nothing
        Assert.All(handles, handle => Assert.False(handle.IsClosed));
        Assert.Equal([handles[0], handles[2], handles[4]], first.Descriptors.ToArray());
        Assert.Equal([handles[1], handles[3]], second.Descriptors.ToArray());
        Assert.Equal([4, 2, 0, 0, 1, 4, 2, 0, 0, 3], second.Message.Payload.ToArray()); // each address with its length
    }

    // The clients' ports in a ServeMany payload, in order; every byte of it read.
    private static List<int> Ports(ReadOnlyMemory<byte> payload)
    {
        var ports = new List<int>();
        var offset = 0;
        while (HandOutBatch.TryReadAddress(payload.Span, ref offset, out var peer))
        {
            Assert.Equal(16, peer.Length); // a struct sockaddr_in: family, port in network order, address
            ports.Add(BinaryPrimitives.ReadUInt16BigEndian(peer[2..]));
        }
        Assert.Equal(payload.Length, offset);
        return ports;
    }

    // The first connection waits (as the master's first accept does), the rest are taken as they are pending.
    private static void AcceptInto(Listener listener, HandOutBatch batch, int count)
    {
        var address = new byte[128] /* a struct sockaddr_storage */;
        while (batch.Count < count)
        {
            if (listener.TryAcceptDescriptorNow(address, out var length, out var descriptor)
                || listener.TryAcceptDescriptor(address, out length, out descriptor, nonePending: true))
            {
                batch.Add(descriptor, address.AsSpan(0, length));
            }
        }
    }
}
