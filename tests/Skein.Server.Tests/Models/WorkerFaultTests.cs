// A worker's crash, as the clients of a hybrid server see it: kill -9 of one worker process closes exactly
// the connections that worker held; the other worker's keep-alive connections go on being answered, and new
// connections are answered; with one worker, which accepts by itself, a client that comes while it is dead waits
// for the standby. Which worker holds which connection is read from /proc (the server side of each
// client's connection, by port, and the socket descriptors of each worker). The figures (how many requests
// fail under load, how soon the standby serves) are benchmarks/faults/faults.py's, in docs/reliability.md.
using Skein.Server.Tests.Processes;
using Skein.Testing;

namespace Skein.Server.Tests.Models;

public sealed class WorkerFaultTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Killing_one_hybrid_worker_closes_only_its_connections()
    {
        await using var server = await SkeinProcess.StartServeAsync("-m", "hybrid", "-w", "2", "-p", "0", "-f", Lifecycle.ShutdownTests.SiteFolder());
        var clients = new List<RawClient>();
        var workers = new List<int>();
        try
        {
            // Keep-alive connections, each answered once, until both workers hold some (the kernel and the two
            // event loops decide who accepts which).
            var owners = new Dictionary<RawClient, int>();
            await Deadline.UntilAsync(async () =>
            {
                var client = await RawClient.ConnectAsync(server.Port);
                clients.Add(client);
                await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                Assert.Equal(200, (await client.ReadResponseAsync(timeout: Soon)).Status);
                workers = [.. ProcessTable.ChildrenOf(server.Pid)];
                owners[client] = OwnerOf(client, server.Port, workers);
                return owners.Values.Where(pid => pid > 0).Distinct().Count() == 2 || clients.Count >= 64;
            }, Soon * 3, "connections held by both workers");
            var victim = owners.Values.First(pid => pid > 0);
            var held = owners.Where(o => o.Value == victim).Select(o => o.Key).ToList();
            var others = owners.Where(o => o.Value != victim).Select(o => o.Key).ToList();
            Assert.NotEmpty(others); // both workers serve (64 connections all on one would be a finding too)

            Assert.True(ProcessTable.KillHard(victim));

            foreach (var client in held)
            {
                Assert.True(await client.WaitForCloseAsync(Soon)); // closed by the kernel with its process
            }
            foreach (var client in others)
            {
                await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                Assert.Equal(200, (await client.ReadResponseAsync(timeout: Soon)).Status);
            }
            Assert.Equal(200, (await RawClient.GetAsync(server.Port, "/", Soon)).Status);
            await server.WaitForOutputAsync($"worker {victim} (slot", "the master to replace the worker", Soon);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
            foreach (var pid in workers)
            {
                ProcessTable.KillHard(pid); // normally gone with the server; never leave one behind a failed test
            }
        }
    }

    [Fact]
    public async Task A_single_hybrid_worker_accepts_by_itself_and_a_client_that_comes_while_it_is_dead_is_served_by_the_standby()
    {
        await using var server = await SkeinProcess.StartServeAsync("-m", "hybrid", "-w", "1", "-p", "0", "-f", Lifecycle.ShutdownTests.SiteFolder());
        using (var client = await RawClient.ConnectAsync(server.Port))
        {
            await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            Assert.Equal(200, (await client.ReadResponseAsync(timeout: Soon)).Status);
        }
        // The one worker holds the listening socket (the standby does not yet): nothing to share out, so no hand-out.
        var listening = Assert.Single(ProcessTable.TcpSockets(server.Port, ProcessTable.Listening));
        var worker = Assert.Single(ProcessTable.ChildrenOf(server.Pid), pid => ProcessTable.HoldsOpen(pid, listening));

        Assert.True(ProcessTable.KillHard(worker));
        // The master's copy keeps the socket listening: this client waits in its queue until the standby, given
        // the socket in the dead worker's place, accepts it.
        Assert.Equal(200, (await RawClient.GetAsync(server.Port, "/", Soon)).Status);
        await server.WaitForOutputAsync($"worker {worker} (slot", "the master to replace the worker", Soon);
    }

    // The pid among `pids` holding the server side of `client`'s connection; 0 when none does (yet).
    private static int OwnerOf(RawClient client, int serverPort, IEnumerable<int> pids)
    {
        var clientPort = ((System.Net.IPEndPoint)client.Socket.LocalEndPoint!).Port;
        var sockets = ProcessTable.TcpSockets(serverPort, ProcessTable.Established, clientPort);
        return sockets.Count == 0 ? 0 : pids.FirstOrDefault(pid => ProcessTable.HoldsOpen(pid, sockets[0]));
    }
}
