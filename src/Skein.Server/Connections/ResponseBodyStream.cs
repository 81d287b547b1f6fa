// The stream a StreamingBody writes its response into: each write becomes one chunk (or raw bytes for a
// close-delimited HTTP/1.0 response), buffered in the transport's output until a flush or until enough
// has accumulated. It does not choose the framing (the core did, in WriteResponseHead).
using Skein.Http;

namespace Skein.Server.Connections;

/// <summary>Write-only stream over a transport, framing writes as chunks when the response is chunked.</summary>
internal sealed class ResponseBodyStream(ITransport transport, ResponseFraming framing) : Stream
{
    // Flush on our own once this much is buffered, so a handler that never flushes still streams in bounded memory.
    private const int FlushThreshold = 64 * 1024;
    private bool _completed;

    /// <summary>Body bytes written (without chunk framing).</summary>
    public long BytesWritten { get; private set; }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Append(buffer.Span);
        if (transport.PendingOutput >= FlushThreshold)
        {
            await transport.FlushAsync();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Synchronous writes only buffer (no I/O); the next async flush sends them.</summary>
    public override void Write(byte[] buffer, int offset, int count) => Append(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => Append(buffer);

    public override Task FlushAsync(CancellationToken cancellationToken) => transport.FlushAsync().AsTask();

    public override void Flush() => throw new NotSupportedException("Use FlushAsync: a synchronous flush would block an event loop.");

    /// <summary>Ends the body (the last chunk for chunked) and sends what is buffered.</summary>
    public ValueTask CompleteAsync()
    {
        if (!_completed)
        {
            _completed = true;
            if (framing == ResponseFraming.Chunked)
            {
                Http1Connection.WriteFinalChunk(transport.Output);
            }
        }
        return transport.FlushAsync();
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_completed;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesWritten;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Append(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (data.IsEmpty)
        {
            return;
        }
        if (framing == ResponseFraming.Chunked)
        {
            Http1Connection.WriteChunk(transport.Output, data);
        }
        else
        {
            data.CopyTo(transport.Output.GetSpan(data.Length));
            transport.Output.Advance(data.Length);
        }
        BytesWritten += data.Length;
    }
}
