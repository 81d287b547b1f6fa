// One content-coded form of a cached file: its bytes, body and entity-tag. Immutable once built.
using Skein.Http.Application;
using Skein.Http.Semantics;

namespace Skein.App.StaticFiles;

/// <summary>A gzip or Brotli representation of a <see cref="FileEntry"/>'s contents. A different
/// representation needs a different strong entity-tag (RFC 9110 §8.8.3), so the coding is appended to the
/// file's tag, as Apache's mod_deflate does (nginx instead weakens the tag).</summary>
internal sealed class CompressedVariant
{
    public CompressedVariant(byte[] content, ContentCoding coding, string identityETag)
    {
        Content = content;
        Body = new BytesBody(content);
        Coding = coding;
        ContentEncoding = coding == ContentCoding.Brotli ? "br" : "gzip";
        ETag = identityETag[..^1] + (coding == ContentCoding.Brotli ? "-br\"" : "-gz\"");
        ETagBytes = System.Text.Encoding.ASCII.GetBytes(ETag);
    }

    /// <summary>Marks a coding that did not make the file smaller, so it is not tried again.</summary>
    public static CompressedVariant NotSmaller { get; } = new([], ContentCoding.Gzip, "\"\"");

    public byte[] Content { get; }

    public BytesBody Body { get; }

    public ContentCoding Coding { get; }

    public string ContentEncoding { get; }

    public string ETag { get; }

    public byte[] ETagBytes { get; }
}
