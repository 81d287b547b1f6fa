// RawSender: the engine of `skein send`: connect, write the bytes, copy whatever comes back to an output
// stream as it arrives, until the server closes or goes quiet for the timeout. It does not parse the
// response: it shows exactly what the server sent.
using System.Net;
using System.Net.Sockets;

namespace Skein.Bench.Send;

/// <summary>How a <see cref="RawSender"/> exchange ended.</summary>
public enum SendEnding
{
    /// <summary>The server closed the connection.</summary>
    ServerClosed,

    /// <summary>Nothing arrived for the whole timeout; the client gave up.</summary>
    TimedOut,

    /// <summary>The connection was reset or failed.</summary>
    Failed,
}

/// <summary>The outcome of one raw exchange.</summary>
/// <param name="Ending">Why it stopped.</param>
/// <param name="BytesReceived">Bytes copied to the output.</param>
/// <param name="Error">What failed, when <see cref="SendEnding.Failed"/>.</param>
public readonly record struct SendResult(SendEnding Ending, long BytesReceived, string? Error);

/// <summary>Sends raw bytes to a server and copies its answer out.</summary>
public static class RawSender
{
    /// <summary>
    /// Connects to <paramref name="host"/>:<paramref name="port"/>, sends <paramref name="request"/>, and copies
    /// the response to <paramref name="output"/> chunk by chunk until the server closes or nothing arrives for
    /// <paramref name="idleTimeout"/>.
    /// </summary>
    /// <exception cref="SocketException">The host does not resolve or the connection is refused.</exception>
    public static async Task<SendResult> SendAsync(string host, int port, ReadOnlyMemory<byte> request, Stream output, TimeSpan idleTimeout, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancel).ConfigureAwait(false);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(addresses, port, cancel).ConfigureAwait(false);
        await socket.SendAsync(request, SocketFlags.None, cancel).ConfigureAwait(false);

        var buffer = new byte[16 * 1024];
        long total = 0;
        while (true)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            idle.CancelAfter(idleTimeout);
            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer, SocketFlags.None, idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                return new SendResult(SendEnding.TimedOut, total, null);
            }
            catch (SocketException e)
            {
                return new SendResult(SendEnding.Failed, total, e.Message);
            }
            if (n == 0)
            {
                return new SendResult(SendEnding.ServerClosed, total, null);
            }
            total += n;
            await output.WriteAsync(buffer.AsMemory(0, n), cancel).ConfigureAwait(false);
            await output.FlushAsync(cancel).ConfigureAwait(false);
        }
    }
}
