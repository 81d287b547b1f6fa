// The bad-input check shared by the in-process tests and the integration matrix: every invalid request of
// the shared corpus gets its status once, with Connection: close, then the connection closes, and the
// server still serves the next client.
using System.Net.Sockets;
using Skein.Testing;

namespace Skein.Server.Tests;

internal static class BadRequests
{
    public static async Task AssertEachAnsweredOnceThenClosedAsync(int port, string context)
    {
        foreach (var (label, raw, status) in HttpCases.Invalid)
        {
            using var client = await RawClient.ConnectAsync(port);
            await client.SendAsync(HttpCases.Bytes(raw));
            RawResponse response;
            try
            {
                response = await client.ReadResponseAsync();
            }
            catch (Exception e) when (e is EndOfStreamException or TimeoutException or SocketException)
            {
                Assert.Fail($"{context}, {label}: {e.Message}");
                throw;
            }
            Assert.True(status == response.Status, $"{context}, {label}: expected {status}, got {response.StatusLine}");
            Assert.True(response.ConnectionClose, $"{context}, {label}: no Connection: close");
            Assert.True(await client.WaitForCloseAsync(), $"{context}, {label}: connection left open");
            // Hang up as a client does once told Connection: close. Until then the server lingers on the
            // connection (reading what is left, so its answer is not lost to a reset), which under single
            // holds the only connection being served: the next client would wait for the linger timeout.
            client.Dispose();
            Assert.Equal(200, (await RawClient.GetAsync(port, "/")).Status);
        }
    }
}
