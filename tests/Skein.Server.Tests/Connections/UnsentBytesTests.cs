// How much of a response the kernel holds for a client that stops reading. By default the listening socket bounds
// each connection's unsent bytes (--notsent-lowat, TCP_NOTSENT_LOWAT, 16 KiB): the server's send queue for a
// stalled download stays near that, where the kernel's default lets it fill the autotuned send buffer (about
// 4 MB here). Seen from outside, as a user would (/proc/net/tcp), on an event loop and on a blocking thread, whose
// transports wait for a full queue differently.
using Skein.Server.Tests.Processes;
using Skein.Testing;

namespace Skein.Server.Tests.Connections;

public sealed class UnsentBytesTests : IDisposable
{
    // Settled, a bounded queue holds 16 KiB plus what one call queued past it (measured: 16-32 KiB); a poll that
    // caught the transfer mid-way (a descheduled server looks settled too) may add the client's receive window in
    // flight (128 KiB at most: net.ipv4.tcp_rmem's default, which a client that reads nothing never grows).
    private const long Bounded = 256 * 1024;
    private const long Unbounded = 1 << 20; // the kernel's own limit is the send buffer: measured 3-4 MB
    private readonly string _folder = Directory.CreateTempSubdirectory("skein-unsent-").FullName;

    public UnsentBytesTests()
    {
        // Sparse: sendfile(2) reads zeros from it, and the test writes nothing to the disk.
        using var file = File.Create(Path.Combine(_folder, "big.bin"));
        file.SetLength(64L << 20);
    }

    [Theory]
    [InlineData("async")]
    [InlineData("thread")]
    public async Task A_client_that_stops_reading_leaves_little_unsent_in_the_servers_kernel(string model)
    {
        await using var skein = await SkeinProcess.StartServeAsync("-m", model, "-p", "0", "-f", _folder);
        // Settled: the queues unchanged over five polls in a row (the client's window closed, the server waits
        // to send).
        var (last, same) = ((0L, 0L), 0);
        var (sent, received) = await StallDownloadAsync(skein.Port, queues =>
        {
            same = queues == last && queues.ClientReceive > 0 ? same + 1 : 0;
            last = queues;
            return same >= 5;
        });
        Assert.True(received > 0, "the client's receive buffer holds the start of the file");
        Assert.True(sent <= Bounded, $"{model}: {sent:N0} bytes queued in the server's kernel for a client that reads nothing (at most {Bounded:N0} expected)");
    }

    [Theory]
    [InlineData("async")]
    [InlineData("thread")]
    public async Task Without_the_bound_the_kernel_queues_megabytes_for_it(string model)
    {
        await using var skein = await SkeinProcess.StartServeAsync("-m", model, "-p", "0", "-f", _folder, "--notsent-lowat", "0");
        var (sent, _) = await StallDownloadAsync(skein.Port, queues => queues.ServerSend >= Unbounded);
        Assert.True(sent >= Unbounded);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // Asks for the file without reading a byte of the answer; polls the server's send queue and the client's
    // receive queue until done says so (or the deadline passes), and returns them.
    private static async Task<(long ServerSend, long ClientReceive)> StallDownloadAsync(int port, Func<(long ServerSend, long ClientReceive), bool> done)
    {
        using var client = await RawClient.ConnectAsync(port);
        var clientPort = ((System.Net.IPEndPoint)client.Socket.LocalEndPoint!).Port;
        await client.SendAsync("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
        (long ServerSend, long ClientReceive) seen = default;
        await Deadline.UntilAsync(() =>
            {
                if (ProcessTable.TcpQueues(port, clientPort) is not { } server || ProcessTable.TcpQueues(clientPort, port) is not { } ours)
                {
                    return false;
                }
                seen = (server.Send, ours.Receive);
                return done(seen);
            }, Deadline.Default, "the server's send queue for a client that reads nothing");
        return seen;
    }
}
