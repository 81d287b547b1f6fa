// Unit tests of the SCM_RIGHTS channel alone: a real connected TCP socket crosses the channel and is
// used from the far side; end-of-file is seen when the other end closes. No worker process here.

using System.Net;
using System.Net.Sockets;
using System.Text;
using Skein.Server.Processes;

namespace Skein.Server.Tests.Processes;

public sealed class UnixFdChannelTests
{
    [Fact]
    public void Message_and_connected_socket_cross_the_channel_and_the_socket_still_talks()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        var (master, worker) = UnixFdChannel.CreatePair();
        using (master)
        using (worker)
        {
            using (var accepted = listener.Accept())
            {
                master.Send("take it"u8, accepted.SafeHandle);
            } // The sender's copy is closed: only the passed descriptor keeps the connection open.

            var buffer = new byte[UnixFdChannel.MaxMessageBytes];
            int length = worker.Receive(buffer, out var fd);
            Assert.Equal("take it", Encoding.ASCII.GetString(buffer, 0, length));
            Assert.NotNull(fd);
            using var received = new Socket(UnixFdChannel.ToSocket(fd));

            client.Send("ping"u8);
            var got = new byte[4];
            Assert.Equal(4, received.Receive(got));
            Assert.Equal("ping", Encoding.ASCII.GetString(got));
            received.Send("pong"u8);
            Assert.Equal(4, client.Receive(got));
            Assert.Equal("pong", Encoding.ASCII.GetString(got));
            Assert.Equal(client.LocalEndPoint, received.RemoteEndPoint);

            received.Shutdown(SocketShutdown.Both);
            Assert.Equal(0, client.Receive(got)); // the client sees the close made through the passed fd
        }
    }

    [Fact]
    public void A_message_without_descriptor_arrives_whole_with_none()
    {
        var (a, b) = UnixFdChannel.CreatePair();
        using (a)
        using (b)
        {
            a.Send([1, 2, 3]);
            a.Send([4]);
            var buffer = new byte[16];
            Assert.Equal(3, b.Receive(buffer, out var fd1)); // SOCK_SEQPACKET keeps message boundaries
            Assert.Null(fd1);
            Assert.Equal(1, b.Receive(buffer, out var fd2));
            Assert.Null(fd2);
            Assert.Equal(4, buffer[0]);
        }
    }

    [Fact]
    public void Receive_returns_end_of_file_when_the_other_end_is_closed()
    {
        var (a, b) = UnixFdChannel.CreatePair();
        using (b)
        {
            a.Send([7]);
            a.Dispose();
            var buffer = new byte[16];
            Assert.Equal(1, b.Receive(buffer, out _)); // queued messages are still delivered first
            Assert.Equal(0, b.Receive(buffer, out _));
            Assert.Throws<IOException>(() => b.Send([1])); // EPIPE, not SIGPIPE
        }
    }

    [Fact]
    public async Task Shutdown_wakes_a_blocked_receive()
    {
        var (a, b) = UnixFdChannel.CreatePair();
        using (a)
        using (b)
        {
            var reader = Task.Factory.StartNew(() => b.Receive(new byte[16], out _), TaskCreationOptions.LongRunning);
            b.Shutdown();
            Assert.Equal(0, await reader.WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }
}
