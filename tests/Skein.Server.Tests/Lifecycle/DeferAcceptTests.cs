// The listening socket defers the accept (TCP_DEFER_ACCEPT) by default: a new connection stays a half-finished
// handshake in the kernel until its request arrives, so the server is woken once with bytes to read; with
// --defer-accept 0 it is accepted at once. A client that stays silent is not held forever: once the time has
// passed it is accepted and meets the header timeout like any other.
using Skein.Server.Tests.Processes;
using Skein.Testing;

namespace Skein.Server.Tests.Lifecycle;

public sealed class DeferAcceptTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_connection_waits_in_the_kernel_until_its_request_arrives_unless_turned_off(bool defer)
    {
        var options = defer ? new ServerOptions() : new ServerOptions { DeferAccept = TimeSpan.Zero };
        using var handler = new TestHandler();
        await using var server = ServerUnderTest.Start(options, handler);
        using var client = await RawClient.ConnectAsync(server.Port);
        var clientPort = ((System.Net.IPEndPoint)client.Socket.LocalEndPoint!).Port;

        // The server's side of the connection, as the kernel lists it: still SYN_RECV (the client's ACK was set
        // aside), or established and handed to accept.
        await Deadline.UntilAsync(
            () => ProcessTable.TcpSockets(server.Port, ProcessTable.SynReceived, clientPort).Count
                + ProcessTable.TcpSockets(server.Port, ProcessTable.Established, clientPort).Count == 1,
            Deadline.Default, "the server's side of the connection in /proc/net/tcp");
        Assert.Equal(defer ? 1 : 0, ProcessTable.TcpSockets(server.Port, ProcessTable.SynReceived, clientPort).Count);

        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, (await client.ReadResponseAsync()).Status);
        Assert.Single(ProcessTable.TcpSockets(server.Port, ProcessTable.Established, clientPort));
    }

    [Fact]
    public async Task A_silent_client_is_accepted_once_the_time_has_passed_and_meets_the_header_timeout()
    {
        var options = new ServerOptions { DeferAccept = TimeSpan.FromSeconds(1), HeaderTimeout = TimeSpan.FromMilliseconds(300) };
        using var handler = new TestHandler();
        await using var server = ServerUnderTest.Start(options, handler);
        using var client = await RawClient.ConnectAsync(server.Port);

        Assert.True(await client.WaitForCloseAsync(Deadline.Default), "the silent client closed by the server");
        Assert.Equal(200, (await RawClient.GetAsync(server.Port, "/")).Status);
    }

    [Fact]
    public void The_default_defers_the_accept_by_a_second_as_nginx_deferred_does()
        => Assert.Equal(TimeSpan.FromSeconds(1), new ServerOptions().DeferAccept);
}
