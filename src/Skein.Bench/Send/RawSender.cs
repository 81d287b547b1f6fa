// RawSender: the engine of `skein send`: connect, write the bytes, copy whatever comes back to an output
// stream as it arrives, until one complete response has arrived (framed by HttpResponseParser, which only
// finds where it ends), or, when asked to keep the connection open, until the server closes or goes quiet
// for the timeout. It never changes a byte: the output is exactly what the server sent.
using System.Net;
using System.Net.Sockets;
using Skein.Bench.Http;

namespace Skein.Bench.Send;

/// <summary>How a <see cref="RawSender"/> exchange ended.</summary>
public enum SendEnding
{
    /// <summary>One complete response arrived (the connection was left open by the server).</summary>
    Complete,

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
    /// the response to <paramref name="output"/> chunk by chunk until it is complete (the first final response:
    /// a 1xx is copied and waited past). With <paramref name="keepOpen"/>, or when the response cannot be
    /// framed, it copies on until the server closes or nothing arrives for <paramref name="idleTimeout"/>.
    /// </summary>
    /// <exception cref="SocketException">The host does not resolve or the connection is refused.</exception>
    public static async Task<SendResult> SendAsync(string host, int port, ReadOnlyMemory<byte> request, Stream output, TimeSpan idleTimeout,
        bool keepOpen = false, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancel).ConfigureAwait(false);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(addresses, port, cancel).ConfigureAwait(false);
        await socket.SendAsync(request, SocketFlags.None, cancel).ConfigureAwait(false);

        var buffer = new byte[16 * 1024];
        var framing = keepOpen ? null : new ResponseFraming(request.Span.StartsWith("HEAD "u8));
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
            if (framing?.Add(buffer.AsSpan(0, n)) == true)
            {
                return new SendResult(SendEnding.Complete, total, null);
            }
        }
    }

    // Finds where the first final response ends. HttpResponseParser leaves an incomplete line unconsumed, so
    // the bytes it has not consumed yet are kept and offered again with the next ones.
    private sealed class ResponseFraming(bool headRequest)
    {
        private readonly HttpResponseParser _parser = CreateParser(headRequest);
        private byte[] _pending = [];
        private bool _unframeable;

        /// <summary>Adds received bytes; true once the response is complete.</summary>
        public bool Add(ReadOnlySpan<byte> received)
        {
            if (_unframeable)
            {
                return false;
            }
            byte[] data = [.. _pending, .. received];
            var status = _parser.Parse(data, out var consumed);
            _pending = data[consumed..];
            _unframeable = status == ResponseParseStatus.Invalid;
            return status == ResponseParseStatus.Complete;
        }

        private static HttpResponseParser CreateParser(bool headRequest)
        {
            var parser = new HttpResponseParser();
            parser.Reset(headRequest);
            return parser;
        }
    }
}
