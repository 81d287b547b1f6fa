// The request body as the handler reads it: a read-only Stream the ConnectionLoop fills from the transport
// through the core's body decoder, sending 100 Continue on the first read when the client asked for it, and
// enforcing the body timeout and the minimum body data rate (a body too slow is a 408 rejection). It is not
// a buffer of the whole body and it does not parse framing itself (the core does).
using System.Buffers;
using Skein.Http;

namespace Skein.Server.Connections;

/// <summary>
/// One per connection, reused for each request. Reads are asynchronous only (as Kestrel's default
/// <c>AllowSynchronousIO = false</c>): a synchronous read on an event loop would block it for the client.
/// </summary>
internal sealed class RequestBodyStream(ITransport transport, Http1Connection http, TimeSpan readTimeout, MinDataRate? minRate, TimeProvider time) : Stream
{
    private ReadOnlySequence<byte> _pending;
    private bool _complete = true;
    private bool _expectContinue;
    private long _read;
    private long _declaredLength;
    private long _received;   // body bytes decoded so far (for the minimum data rate)
    private TimeSpan _waited; // time spent waiting for them

    /// <summary>True once the whole body has been read (or there was none).</summary>
    public bool IsComplete => _complete;

    /// <summary>True when 100 Continue was sent for this request.</summary>
    public bool ContinueSent { get; private set; }

    /// <summary>Whether the handler read anything.</summary>
    public bool Touched { get; private set; }

    /// <summary>What went wrong reading the body (a protocol error, a timeout, a lost connection); null if nothing.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Body bytes not yet read when the length is known; null for chunked.</summary>
    public long? Remaining => _declaredLength >= 0 ? _declaredLength - _read : null;

    /// <summary>Prepares for the body of the request whose head was just parsed.</summary>
    public void Begin(RequestHead head)
    {
        _pending = default;
        _read = 0;
        _received = 0;
        _waited = TimeSpan.Zero;
        Failure = null;
        ContinueSent = false;
        Touched = false;
        _expectContinue = head.ExpectContinue;
        _declaredLength = head.BodyFraming == BodyFraming.ContentLength ? head.ContentLength : -1;
        _complete = head.BodyFraming == BodyFraming.None || (head.BodyFraming == BodyFraming.ContentLength && head.ContentLength == 0);
    }

    /// <summary>Reads and discards the rest of the body, up to <paramref name="limit"/> bytes. True if it ended.</summary>
    public async ValueTask<bool> DrainAsync(long limit)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            long drained = 0;
            while (!_complete)
            {
                if (drained > limit)
                {
                    return false;
                }
                drained += await ReadCoreAsync(scratch);
            }
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Touched = true;
        return ReadCoreAsync(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
        => throw new NotSupportedException("Synchronous reads of a request body are not supported; use ReadAsync.");

    public override int Read(Span<byte> buffer)
        => throw new NotSupportedException("Synchronous reads of a request body are not supported; use ReadAsync.");

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private async ValueTask<int> ReadCoreAsync(Memory<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }
        if (!_pending.IsEmpty)
        {
            return TakePending(buffer.Span);
        }
        if (_complete)
        {
            return 0;
        }
        if (Failure is not null)
        {
            throw new IOException("The request body could not be read.", Failure);
        }
        try
        {
            if (_expectContinue && !ContinueSent)
            {
                // RFC 9110 §10.1.1: the client waits for 100 before sending the body; send it only now that
                // the handler actually wants the body, so a handler answering without it costs no round trip.
                ContinueSent = true;
                http.WriteContinue(transport.Output);
                await transport.FlushAsync();
            }
            while (true)
            {
                var reader = new SequenceReader<byte>(transport.Received);
                var status = http.TryReadBody(ref reader, out var data);
                transport.Consume(reader.Consumed);
                switch (status)
                {
                    case BodyReadStatus.Data when !data.IsEmpty:
                        // `data` stays valid until the next receive, which happens only after it is taken.
                        _pending = data;
                        _received += data.Length;
                        return TakePending(buffer.Span);
                    case BodyReadStatus.End:
                        _complete = true;
                        return 0;
                }
                if (transport.IsInputFull)
                {
                    throw new HttpProtocolException(RejectReason.InvalidChunk, "chunk framing does not fit the input buffer");
                }
                if (!await ReceiveAsync())
                {
                    http.OnInputEnded(); // mid-body: throws UnexpectedEndOfInput
                    throw new HttpProtocolException(RejectReason.UnexpectedEndOfInput);
                }
            }
        }
        catch (Exception e) when (e is HttpProtocolException or TimeoutException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            Failure = e;
            throw;
        }
    }

    // Waits for more body bytes. The body timeout bounds each wait; the minimum data rate bounds the time
    // spent waiting for this body in all (time the handler spends elsewhere does not count, as in Kestrel).
    // Either one passing is a 408: the client was too slow, and nothing of a response has been sent.
    private async ValueTask<bool> ReceiveAsync()
    {
        var timeout = readTimeout;
        var rateBound = false;
        if (minRate is { } rate)
        {
            var left = rate.TimeAllowed(_received) - _waited;
            if (left <= TimeSpan.Zero)
            {
                throw TooSlow(rate);
            }
            if (timeout == Timeout.InfiniteTimeSpan || left < timeout)
            {
                (timeout, rateBound) = (left, true);
            }
        }
        var started = time.GetTimestamp();
        try
        {
            return await transport.ReceiveAsync(timeout).ConfigureAwait(false); // pooled (ConnectionLoop's header)
        }
        catch (TimeoutException)
        {
            throw rateBound
                ? TooSlow(minRate!.Value)
                : new HttpProtocolException(RejectReason.RequestTimeout, "the request body stalled (body timeout)");
        }
        finally
        {
            _waited += time.GetElapsedTime(started);
        }
    }

    private HttpProtocolException TooSlow(MinDataRate rate)
        => new(RejectReason.RequestTimeout, $"the request body came slower than {rate.BytesPerSecond} bytes/s ({_received} bytes in {_waited.TotalSeconds:0.0} s)");

    private int TakePending(Span<byte> destination)
    {
        var count = (int)Math.Min(destination.Length, _pending.Length);
        _pending.Slice(0, count).CopyTo(destination);
        _pending = _pending.Slice(count);
        _read += count;
        return count;
    }
}
