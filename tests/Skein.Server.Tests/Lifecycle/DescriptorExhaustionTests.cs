// A server short of file descriptors stays up. The real program's descriptor limit is lowered under it with
// prlimit(1) to a few dozen more than it holds, and more clients come than that allows. It serves as many
// as leave descriptors to spare and answers the rest 503 at once, instead of running out: a .NET process
// that cannot open a descriptor cannot even start a thread, and ends. When the clients leave, it serves
// newcomers again. (If accept does fail with EMFILE — the limit lowered below what it holds — it backs
// off, says so once, and lets a reserve of descriptors go; docs/reliability.md.)
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Skein.Testing;

namespace Skein.Server.Tests.Lifecycle;

[Collection(TimingSensitive.Name)]
public sealed class DescriptorExhaustionTests
{
    private const string Request = "GET /waiters HTTP/1.1\r\nHost: x\r\n\r\n";

    [Theory]
    [InlineData("async")]
    [InlineData("thread-pool")]
    public async Task Short_of_descriptors_it_stays_up_refuses_quickly_and_recovers(string model)
    {
        await using var skein = await SkeinProcess.StartServeAsync("-m", model, "-w", "64", "-p", "0", "-f", ShutdownTests.SiteFolder());
        Assert.Equal(200, (await RawClient.GetAsync(skein.Port, "/waiters")).Status); // warm: what it opens lazily is open
        await LimitDescriptorsAsync(skein.Pid, Directory.GetFiles($"/proc/{skein.Pid}/fd").Length + 40);

        var clients = new List<RawClient>();
        try
        {
            for (var i = 0; i < 60; i++)
            {
                Assert.False(skein.HasExited, skein.Output);
                clients.Add(await RawClient.ConnectAsync(skein.Port));
            }
            var answers = await Task.WhenAll(clients.Select(AskAsync));
            Assert.Contains(200, answers);
            Assert.Contains(503, answers);
            await skein.WaitForOutputAsync("use the file descriptors this process may have", "the refusals logged with their reason");
            Assert.False(skein.HasExited, skein.Output);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }

        await Deadline.UntilAsync(async () => (await RawClient.GetAsync(skein.Port, "/waiters", TimeSpan.FromSeconds(30))).Status == 200,
            Deadline.Default, "a newcomer served again");
    }

    // The status a client gets for one request, within a generous bound (every status is asserted below:
    // none may time out). A refusal does not read the request it refuses, so a reset may overtake its 503,
    // and counts as one.
    private static async Task<int> AskAsync(RawClient client)
    {
        try
        {
            await client.SendAsync("GET /waiters HTTP/1.1\r\nHost: x\r\n\r\n");
            return (await client.ReadResponseAsync(timeout: TimeSpan.FromSeconds(30))).Status;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return 503;
        }
    }

    // Sets the soft RLIMIT_NOFILE of a running process (the hard limit stays, so it can be raised again).
    private static async Task LimitDescriptorsAsync(int pid, int limit)
    {
        using var prlimit = Process.Start(new ProcessStartInfo("prlimit", ["--pid", pid.ToString(CultureInfo.InvariantCulture), $"--nofile={limit}:"])
        {
            RedirectStandardError = true,
        })!;
        await prlimit.WaitForExitAsync().WaitAsync(Deadline.Default);
        Assert.True(prlimit.ExitCode == 0, await prlimit.StandardError.ReadToEndAsync());
    }
}
