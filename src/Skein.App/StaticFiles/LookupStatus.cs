// The outcomes of mapping a request path to a file. An enum only; the mapping is StaticFileCache.Lookup.
namespace Skein.App.StaticFiles;

/// <summary>What a request path maps to.</summary>
internal enum LookupStatus : byte
{
    /// <summary>A regular file inside the root (for a directory path, its index.html).</summary>
    Found,
    /// <summary>Nothing servable: missing, a dotfile, a directory without index, or outside the root.</summary>
    NotFound,
    /// <summary>A directory named without its trailing slash: redirect to add it.</summary>
    AddSlash,
    /// <summary>A path no file can have: malformed escape, NUL, encoded slash, backslash, "." or "..", not UTF-8.</summary>
    BadRequest,
}
