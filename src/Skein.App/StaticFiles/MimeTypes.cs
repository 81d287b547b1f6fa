// The extension → media type table for static files: a readonly table, built once. It does not sniff content.
// Sources: IANA media types registry, nginx's conf/mime.types, ASP.NET Core's FileExtensionContentTypeProvider.
using System.Collections.Frozen;

namespace Skein.App.StaticFiles;

/// <summary>Maps a file extension to its <see cref="MediaType"/>. Text types carry <c>charset=utf-8</c>
/// because the bundled site and most of the web is UTF-8 (nginx leaves charset off by default; browsers then
/// guess, which is how mojibake happens). Unknown extensions are <c>application/octet-stream</c>
/// (RFC 9110 §8.3: a server that does not know the type should not invent one).</summary>
public static class MimeTypes
{
    /// <summary>For files whose extension is not in the table.</summary>
    public static MediaType Default { get; } = new("application/octet-stream", Compressible: false);

    private const string Utf8 = "; charset=utf-8";

    private static readonly FrozenDictionary<string, MediaType> ByExtension = new Dictionary<string, MediaType>(StringComparer.OrdinalIgnoreCase)
    {
        // Text and documents: compressible, UTF-8.
        ["html"] = Text("text/html"),
        ["htm"] = Text("text/html"),
        ["css"] = Text("text/css"),
        ["js"] = Text("text/javascript"),     // RFC 9239: text/javascript is the one standard type.
        ["mjs"] = Text("text/javascript"),
        ["cjs"] = Text("text/javascript"),
        ["json"] = Text("application/json"),
        ["map"] = Text("application/json"),    // source maps are JSON.
        ["jsonld"] = Text("application/ld+json"),
        ["webmanifest"] = Text("application/manifest+json"),
        ["xml"] = Text("application/xml"),
        ["xsl"] = Text("application/xml"),
        ["rss"] = Text("application/rss+xml"),
        ["atom"] = Text("application/atom+xml"),
        ["xhtml"] = Text("application/xhtml+xml"),
        ["svg"] = Text("image/svg+xml"),
        ["txt"] = Text("text/plain"),
        ["text"] = Text("text/plain"),
        ["log"] = Text("text/plain"),
        ["md"] = Text("text/markdown"),        // RFC 7763
        ["markdown"] = Text("text/markdown"),
        ["csv"] = Text("text/csv"),
        ["tsv"] = Text("text/tab-separated-values"),
        ["ics"] = Text("text/calendar"),
        ["vtt"] = Text("text/vtt"),
        ["yaml"] = Text("application/yaml"),   // RFC 9512
        ["yml"] = Text("application/yaml"),
        ["toml"] = Text("application/toml"),
        ["wasm"] = new("application/wasm", true),
        ["pdf"] = new("application/pdf", false),
        ["rtf"] = Text("application/rtf"),

        // Images: compressed formats are not recompressed; bmp, ico and tiff are raw enough to shrink.
        ["png"] = new("image/png", false),
        ["apng"] = new("image/apng", false),
        ["jpg"] = new("image/jpeg", false),
        ["jpeg"] = new("image/jpeg", false),
        ["gif"] = new("image/gif", false),
        ["webp"] = new("image/webp", false),
        ["avif"] = new("image/avif", false),
        ["jxl"] = new("image/jxl", false),
        ["heic"] = new("image/heic", false),
        ["ico"] = new("image/x-icon", true),   // what browsers expect; the IANA name is image/vnd.microsoft.icon.
        ["cur"] = new("image/x-icon", true),
        ["bmp"] = new("image/bmp", true),
        ["tif"] = new("image/tiff", true),
        ["tiff"] = new("image/tiff", true),

        // Fonts: woff/woff2 are compressed containers; ttf/otf are not.
        ["woff"] = new("font/woff", false),
        ["woff2"] = new("font/woff2", false),
        ["ttf"] = new("font/ttf", true),
        ["otf"] = new("font/otf", true),
        ["eot"] = new("application/vnd.ms-fontobject", true),

        // Audio and video.
        ["mp3"] = new("audio/mpeg", false),
        ["m4a"] = new("audio/mp4", false),
        ["aac"] = new("audio/aac", false),
        ["oga"] = new("audio/ogg", false),
        ["ogg"] = new("audio/ogg", false),
        ["opus"] = new("audio/ogg", false),
        ["flac"] = new("audio/flac", false),
        ["wav"] = new("audio/wav", true),      // PCM shrinks a little; nginx lists audio/x-wav.
        ["weba"] = new("audio/webm", false),
        ["mid"] = new("audio/midi", true),
        ["midi"] = new("audio/midi", true),
        ["mp4"] = new("video/mp4", false),
        ["m4v"] = new("video/mp4", false),
        ["webm"] = new("video/webm", false),
        ["ogv"] = new("video/ogg", false),
        ["mov"] = new("video/quicktime", false),
        ["avi"] = new("video/x-msvideo", false),
        ["mkv"] = new("video/x-matroska", false),
        ["ts"] = new("video/mp2t", false),
        ["m3u8"] = Text("application/vnd.apple.mpegurl"),

        // Archives and binaries.
        ["zip"] = new("application/zip", false),
        ["gz"] = new("application/gzip", false),
        ["tgz"] = new("application/gzip", false),
        ["br"] = new("application/x-brotli", false),
        ["zst"] = new("application/zstd", false),
        ["bz2"] = new("application/x-bzip2", false),
        ["xz"] = new("application/x-xz", false),
        ["7z"] = new("application/x-7z-compressed", false),
        ["rar"] = new("application/vnd.rar", false),
        ["tar"] = new("application/x-tar", true),
        ["jar"] = new("application/java-archive", false),
        ["bin"] = new("application/octet-stream", false),
        ["exe"] = new("application/octet-stream", false),
        ["iso"] = new("application/octet-stream", false),
        ["dmg"] = new("application/octet-stream", false),
        ["deb"] = new("application/vnd.debian.binary-package", false),
        ["epub"] = new("application/epub+zip", false),
        ["docx"] = new("application/vnd.openxmlformats-officedocument.wordprocessingml.document", false),
        ["xlsx"] = new("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", false),
        ["pptx"] = new("application/vnd.openxmlformats-officedocument.presentationml.presentation", false),
        ["odt"] = new("application/vnd.oasis.opendocument.text", false),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The media type for <paramref name="fileName"/> by its last extension, or <see cref="Default"/>.</summary>
    public static MediaType For(string fileName)
    {
        var dot = fileName.LastIndexOf('.');
        var slash = fileName.LastIndexOfAny(['/', '\\']);
        if (dot <= slash + 1 || dot == fileName.Length - 1)
        {
            // No extension, or a dotfile name like ".profile".
            return Default;
        }
        return ByExtension.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(fileName.AsSpan(dot + 1), out var type) ? type : Default;
    }

    private static MediaType Text(string type) => new(type + Utf8, Compressible: true);
}
