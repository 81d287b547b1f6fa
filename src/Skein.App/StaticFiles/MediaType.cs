// One entry of the MIME table: the Content-Type to send and whether compressing it pays off.
// A value only; the table itself is MimeTypes.cs.
namespace Skein.App.StaticFiles;

/// <summary>A media type as sent in Content-Type (with <c>charset=utf-8</c> for text), and whether gzip or
/// Brotli shrink it (false for formats that are already compressed: images, audio, video, archives, woff2).</summary>
public sealed record MediaType(string ContentType, bool Compressible);
