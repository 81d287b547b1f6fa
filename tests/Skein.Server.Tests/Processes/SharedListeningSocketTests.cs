// A listening socket shared the way process-pool and hybrid workers share it (a copy received over the
// channel): disposing one holder's copy while it is blocked in Accept must leave the socket listening
// for everyone else. Without SharedListeningSocket.Prepare, .NET would shut the socket down for all.

using System.Net;
using System.Net.Sockets;
using Skein.Server.Processes;

namespace Skein.Server.Tests.Processes;

public sealed class SharedListeningSocketTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Disposing_a_shared_copy_during_accept_leaves_the_listener_open_for_the_others()
    {
        using var master = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        master.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        master.Listen();
        var (a, b) = UnixFdChannel.CreatePair();
        using (a)
        using (b)
        {
            a.Send([1], master.SafeHandle);
            b.Receive(new byte[4], out var fd);
            var worker = new Socket(SharedListeningSocket.Prepare(UnixFdChannel.ToSocket(fd!))) { Blocking = true };

            using var accepted = new SemaphoreSlim(0);
            var acceptLoop = Task.Factory.StartNew(() =>
            {
                while (true)
                {
                    using var connection = worker.Accept(); // throws once disposed
                    accepted.Release();
                }
            }, TaskCreationOptions.LongRunning);

            using (var first = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                await first.ConnectAsync(master.LocalEndPoint!);
                Assert.True(await accepted.WaitAsync(Deadline)); // the worker's copy accepts...
            }
            worker.Dispose(); // ...and is disposed while its loop is back in Accept
            await Assert.ThrowsAnyAsync<Exception>(() => acceptLoop.WaitAsync(Deadline));

            // The socket still listens for the other holders.
            using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await second.ConnectAsync(master.LocalEndPoint!).WaitAsync(Deadline);
            using var served = await master.AcceptAsync().WaitAsync(Deadline);
            Assert.Equal(second.LocalEndPoint, served.RemoteEndPoint);
        }
    }
}
