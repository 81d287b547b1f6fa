namespace Skein.Http.Application;

/// <summary>
/// The body of a response: nothing, bytes in memory, a region of a file (sent with sendfile where the
/// transport can), a stream to copy, or a writer for a body of unknown length (sent chunked).
/// </summary>
public abstract class ResponseBody
{
    private protected ResponseBody() { }

    /// <summary>The length in bytes, or null when unknown until the end (chunked on HTTP/1.1).</summary>
    public abstract long? Length { get; }

    /// <summary>No body.</summary>
    public static ResponseBody Empty { get; } = new BytesBody(ReadOnlyMemory<byte>.Empty);
}

/// <summary>A body already in memory.</summary>
public sealed class BytesBody(ReadOnlyMemory<byte> content) : ResponseBody
{
    /// <summary>The bytes.</summary>
    public ReadOnlyMemory<byte> Content { get; } = content;

    /// <inheritdoc/>
    public override long? Length => Content.Length;
}

/// <summary><paramref name="length"/> bytes of the file at <paramref name="path"/> from <paramref name="offset"/>.
/// The server opens the file when it sends it; the handler has already checked it.</summary>
public sealed class FileBody(string path, long offset, long length) : ResponseBody
{
    /// <summary>Full path of the file.</summary>
    public string Path { get; } = path;

    /// <summary>First byte to send.</summary>
    public long Offset { get; } = offset;

    /// <inheritdoc/>
    public override long? Length => length;
}

/// <summary>A stream copied to the client in bounded pieces and disposed afterwards.
/// With <paramref name="length"/> null, sent chunked.</summary>
public sealed class StreamBody(Stream stream, long? length) : ResponseBody
{
    /// <summary>The source.</summary>
    public Stream Stream { get; } = stream;

    /// <inheritdoc/>
    public override long? Length => length;
}

/// <summary>A body the handler writes after the head is sent; its length is unknown, so on HTTP/1.1 it is
/// sent chunked (each write one chunk, flushed on <see cref="Stream.FlushAsync(CancellationToken)"/>) and on
/// HTTP/1.0 delimited by closing the connection.</summary>
public sealed class StreamingBody(Func<Stream, CancellationToken, ValueTask> writeAsync) : ResponseBody
{
    /// <summary>Writes the body to the stream it is given.</summary>
    public Func<Stream, CancellationToken, ValueTask> WriteAsync { get; } = writeAsync;

    /// <inheritdoc/>
    public override long? Length => null;
}
