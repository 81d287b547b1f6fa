// gzip and Brotli coding of in-memory file contents, with System.IO.Compression (zlib-ng and the Brotli
// reference encoder that ship with .NET). It does not decide when to compress; StaticFileHandler does.
using System.IO.Compression;
using Skein.Http.Semantics;

namespace Skein.App.StaticFiles;

/// <summary>Compresses a whole buffer once; results are cached by <see cref="FileEntry"/>, so the slowest
/// (smallest-output) settings are affordable for small files.</summary>
internal static class ContentCompressor
{
    // Brotli quality 11 costs roughly 1 s per MB; pay it only for files up to 64 KiB (a few tens of ms, once
    // per file version), and use quality 6 above, the ngx_brotli default (brotli_comp_level 6).
    private const int BrotliBestQualityMaxBytes = 64 * 1024;
    // Window 22 (4 MiB) is the encoder's default and what the brotli CLI uses.
    private const int BrotliWindow = 22;

    /// <summary>The coded form of <paramref name="content"/>.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> content, ContentCoding coding) => coding switch
    {
        ContentCoding.Gzip => Gzip(content),
        ContentCoding.Brotli => Brotli(content),
        _ => throw new ArgumentOutOfRangeException(nameof(coding), coding, "Identity is not a compression."),
    };

    private static byte[] Gzip(ReadOnlySpan<byte> content)
    {
        using var output = new MemoryStream(content.Length / 3 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(content);
        }
        return output.ToArray();
    }

    private static byte[] Brotli(ReadOnlySpan<byte> content)
    {
        var quality = content.Length <= BrotliBestQualityMaxBytes ? 11 : 6;
        var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(content.Length)];
        if (!BrotliEncoder.TryCompress(content, buffer, out var written, quality, BrotliWindow))
        {
            throw new InvalidOperationException("Brotli output exceeded its documented maximum length.");
        }
        return buffer.AsSpan(0, written).ToArray();
    }
}
