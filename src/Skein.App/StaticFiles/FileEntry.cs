// What the static-file cache knows about one file version: where it really is, its validators, its media
// type, precomputed header values, and (for small files) its contents and compressed variants.
// Immutable except for the revalidation timestamp and the lazily built variants; a changed file gets a new entry.
using Skein.Http.Application;
using Skein.Http.Semantics;

namespace Skein.App.StaticFiles;

/// <summary>One version of one file (identified by size and modification time, like nginx's ETag).</summary>
internal sealed class FileEntry
{
    private CompressedVariant? _gzip;
    private CompressedVariant? _brotli;
    private long _checkedAt;

    public FileEntry(string requestedPath, string realPath, long length, DateTime lastWriteUtc, byte[]? content, long checkedAt, bool compressible)
    {
        RequestedPath = requestedPath;
        RealPath = realPath;
        Length = length;
        LastWriteUtc = lastWriteUtc;
        // HTTP-dates have one-second resolution: compare and send the truncated time (RFC 9110 §8.8.2).
        var seconds = new DateTimeOffset(lastWriteUtc.Ticks - lastWriteUtc.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        LastModified = seconds;
        LastModifiedText = HttpDate.Format(seconds);
        // Strong entity-tag from mtime and size in hex, nginx's format: "5f5e1000-1a2b".
        ETag = $"\"{seconds.ToUnixTimeSeconds():x}-{length:x}\"";
        ETagBytes = System.Text.Encoding.ASCII.GetBytes(ETag);
        // The type follows the name the client asked for (a link's own name), as nginx does.
        Type = MimeTypes.For(requestedPath);
        Content = content;
        Body = content is null ? null : new BytesBody(content);
        Compressible = compressible && content is not null;
        _checkedAt = checkedAt;
    }

    /// <summary>The path the request mapped to, before resolving links (re-resolved on revalidation).</summary>
    public string RequestedPath { get; }

    /// <summary>The canonical path, inside the real root; what FileBody sends.</summary>
    public string RealPath { get; }

    public long Length { get; }

    public DateTime LastWriteUtc { get; }

    public DateTimeOffset LastModified { get; }

    public string LastModifiedText { get; }

    public string ETag { get; }

    public byte[] ETagBytes { get; }

    public MediaType Type { get; }

    /// <summary>The whole file, when small enough to keep; null means send it from disk.</summary>
    public byte[]? Content { get; }

    /// <summary>A reusable body over <see cref="Content"/>.</summary>
    public BytesBody? Body { get; }

    /// <summary>True when responses vary by Accept-Encoding (compression on, compressible type, cached, not tiny).</summary>
    public bool Compressible { get; }

    /// <summary>When the file was last stat'ed (a <see cref="TimeProvider.GetTimestamp"/> value).</summary>
    public long CheckedAt
    {
        get => Volatile.Read(ref _checkedAt);
        set => Volatile.Write(ref _checkedAt, value);
    }

    /// <summary>The variant for <paramref name="coding"/>, compressing on first use; null when coding does not
    /// make it smaller or <paramref name="reserve"/> refuses the memory. Two threads may both compress the
    /// first time; one result wins and the other is dropped, which is cheaper than a lock on every hit.</summary>
    public CompressedVariant? GetVariant(ContentCoding coding, Func<long, bool> reserve)
    {
        ref var slot = ref coding == ContentCoding.Brotli ? ref _brotli : ref _gzip;
        var variant = Volatile.Read(ref slot);
        if (variant is null && Content is not null)
        {
            var compressed = ContentCompressor.Compress(Content, coding);
            variant = compressed.Length < Content.Length && reserve(compressed.Length)
                ? new CompressedVariant(compressed, coding, ETag)
                : CompressedVariant.NotSmaller;
            variant = Interlocked.CompareExchange(ref slot, variant, null) ?? variant;
        }
        return ReferenceEquals(variant, CompressedVariant.NotSmaller) ? null : variant;
    }

    /// <summary>Bytes this entry holds in memory (for the cache budget).</summary>
    public long MemoryBytes => (Content?.Length ?? 0) + (_gzip?.Content.Length ?? 0) + (_brotli?.Content.Length ?? 0);
}
