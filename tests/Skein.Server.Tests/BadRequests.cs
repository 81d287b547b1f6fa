// The bad-input check shared by the in-process tests and the integration matrix: each invalid request
// gets its status once, with Connection: close, then the connection closes, and the server still serves
// the next client. The in-process test sends the whole corpus; the matrix one case of each kind.
using System.Net.Sockets;
using Skein.Testing;

namespace Skein.Server.Tests;

internal static class BadRequests
{
    /// <summary>
    /// One invalid request of each kind the server tells apart: each status, found in the head or while the
    /// body is read (the rows that post to /echo). Which of the 67 requests is wrong is the protocol core's
    /// business, checked whole over a socket by the in-process test; what a concurrency model adds is the
    /// path from the core's error to the answer, the close and the next connection, which these cover.
    /// Under the process model each request and check is a process start, so the whole corpus there cost
    /// 120 of them.
    /// </summary>
    public static IEnumerable<(string Label, string Raw, int Status)> OneOfEachKind
        => HttpCases.Invalid.DistinctBy(c => (c.Status, ReadsTheBody: c.Raw.StartsWith("POST /echo ", StringComparison.Ordinal)));

    public static async Task AssertEachAnsweredOnceThenClosedAsync(int port, string context)
        => await AssertEachAnsweredOnceThenClosedAsync(port, context, HttpCases.Invalid);

    public static async Task AssertEachAnsweredOnceThenClosedAsync(int port, string context, IEnumerable<(string Label, string Raw, int Status)> cases)
    {
        foreach (var (label, raw, status) in cases)
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
