// Maps request paths to files under the document root, safely, and remembers the answer: the open-file
// cache of the static-file handler (nginx's open_file_cache plus the file contents for small files).
// It decides which file a path means and whether it may be served; it does not build responses.
using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Unicode;
using Skein.Http.Semantics;

namespace Skein.App.StaticFiles;

/// <summary>
/// Thread-safe cache from decoded request path to <see cref="FileEntry"/>. A hit costs one dictionary lookup
/// (by span, no string made) and, at most once per <see cref="SiteOptions.RevalidateAfter"/>, a re-resolve and
/// a stat. Only successful lookups are cached (nginx's <c>open_file_cache_errors off</c>), so 404s cannot fill it.
/// </summary>
internal sealed class StaticFileCache
{
    private const string IndexFile = "index.html";
    // The one dot-directory that is meant to be public (RFC 8615).
    private const string WellKnown = ".well-known";
    private const int StackPathBytes = 512;

    private readonly SiteOptions _options;
    private readonly TimeProvider _time;
    private readonly string _realRoot;
    private readonly ConcurrentDictionary<string, FileEntry> _byPath = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FileEntry>.AlternateLookup<ReadOnlySpan<char>> _byPathSpan;
    private int _count;
    private long _memoryBytes;

    public StaticFileCache(SiteOptions options)
    {
        _options = options;
        _time = options.TimeProvider;
        _realRoot = RealPath.Resolve(options.Root)
            ?? throw new ArgumentException($"The document root '{options.Root}' does not exist.", nameof(options));
        _byPathSpan = _byPath.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The canonical document root.</summary>
    public string RealRoot => _realRoot;

    /// <summary>Bytes of file contents held in memory (approximate under concurrency).</summary>
    public long MemoryBytes => Interlocked.Read(ref _memoryBytes);

    /// <summary>Maps <paramref name="rawPath"/> (the request path, still percent-encoded) to a file.</summary>
    public LookupStatus Lookup(ReadOnlySpan<byte> rawPath, out FileEntry? entry)
    {
        entry = null;
        if (rawPath.IsEmpty || rawPath[0] != '/')
        {
            return LookupStatus.BadRequest;
        }
        byte[]? rentedBytes = null;
        char[]? rentedChars = null;
        try
        {
            var decoded = rawPath.Length <= StackPathBytes
                ? stackalloc byte[StackPathBytes]
                : (rentedBytes = ArrayPool<byte>.Shared.Rent(rawPath.Length));
            if (PercentDecoding.TryDecodePath(rawPath, decoded, out var decodedLength) != PathDecodeStatus.Ok)
            {
                return LookupStatus.BadRequest;
            }
            var chars = decodedLength <= StackPathBytes
                ? stackalloc char[StackPathBytes]
                : (rentedChars = ArrayPool<char>.Shared.Rent(decodedLength));
            // File names are UTF-8; bytes that are not UTF-8 name no file we would serve.
            if (Utf8.ToUtf16(decoded[..decodedLength], chars, out _, out var charCount, replaceInvalidSequences: false) != OperationStatus.Done)
            {
                return LookupStatus.BadRequest;
            }
            var path = chars[..charCount];
            if (_byPathSpan.TryGetValue(path, out entry) && IsFresh(entry))
            {
                return LookupStatus.Found;
            }
            return Resolve(path.ToString(), out entry);
        }
        finally
        {
            if (rentedBytes is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedBytes);
            }
            if (rentedChars is not null)
            {
                ArrayPool<char>.Shared.Return(rentedChars);
            }
        }
    }

    /// <summary>Reserves <paramref name="bytes"/> of the memory budget; false when it would be exceeded.</summary>
    public bool TryReserve(long bytes)
    {
        if (Interlocked.Add(ref _memoryBytes, bytes) <= _options.CacheBudgetBytes)
        {
            return true;
        }
        Interlocked.Add(ref _memoryBytes, -bytes);
        return false;
    }

    // Re-stat at most once per RevalidateAfter. The path is resolved again too, so a symbolic link swapped
    // to point outside the root is noticed as promptly as an edited file.
    private bool IsFresh(FileEntry entry)
    {
        var now = _time.GetTimestamp();
        if (_time.GetElapsedTime(entry.CheckedAt, now) < _options.RevalidateAfter)
        {
            return true;
        }
        var real = RealPath.Resolve(entry.RequestedPath);
        if (real is not null && real == entry.RealPath)
        {
            var info = new FileInfo(real);
            if (info.Exists && info.Length == entry.Length && info.LastWriteTimeUtc == entry.LastWriteUtc)
            {
                entry.CheckedAt = now;
                return true;
            }
        }
        return false;
    }

    // The slow path: validate the decoded path, find the file, check it is really inside the root, cache it.
    private LookupStatus Resolve(string path, out FileEntry? entry)
    {
        entry = null;
        var status = CheckSegments(path);
        if (status != LookupStatus.Found)
        {
            return status;
        }
        var wantsDirectory = path.EndsWith('/');
        var requested = Path.Join(_realRoot, path.TrimEnd('/'));
        var real = RealPath.Resolve(requested);
        if (real is null || !RealPath.IsWithin(real, _realRoot))
        {
            return LookupStatus.NotFound;
        }
        if (Directory.Exists(real))
        {
            if (!wantsDirectory)
            {
                return LookupStatus.AddSlash;
            }
            // A directory is served by its index.html, which must itself resolve inside the root.
            requested = Path.Join(requested, IndexFile);
            real = RealPath.Resolve(requested);
            if (real is null || !RealPath.IsWithin(real, _realRoot) || Directory.Exists(real))
            {
                return LookupStatus.NotFound;
            }
        }
        else if (wantsDirectory)
        {
            // "/file.txt/" names a directory that does not exist.
            return LookupStatus.NotFound;
        }
        var info = new FileInfo(real);
        if (!info.Exists)
        {
            return LookupStatus.NotFound;
        }
        entry = Load(requested, real, info);
        if (entry is null)
        {
            return LookupStatus.NotFound;
        }
        Remember(path, entry);
        return LookupStatus.Found;
    }

    // Segment rules, on the decoded path (after the one decoding): no backslash (a separator on Windows, and
    // never needed in a URL), no dotfiles except /.well-known/ (they are usually secrets: .git, .env, .htpasswd;
    // ASP.NET's PhysicalFileProvider hides them too), and no "." or "..". The core has already removed dot
    // segments, "%2E" ones included, and refused a path above the root, so a "." or ".." here would mean a
    // head that did not come from the core: it is refused all the same, since this is the root's last guard.
    private static LookupStatus CheckSegments(string path)
    {
        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return LookupStatus.BadRequest;
        }
        foreach (var range in path.AsSpan().Split('/'))
        {
            var segment = path.AsSpan()[range];
            if (segment is "." or "..")
            {
                return LookupStatus.BadRequest;
            }
            if (segment.Length > 0 && segment[0] == '.' && !segment.SequenceEqual(WellKnown))
            {
                return LookupStatus.NotFound;
            }
            foreach (var c in segment)
            {
                if (char.IsControl(c))
                {
                    return LookupStatus.BadRequest;
                }
            }
        }
        return LookupStatus.Found;
    }

    private FileEntry? Load(string requested, string real, FileInfo info)
    {
        byte[]? content = null;
        if (info.Length <= _options.MaxCachedFileBytes && TryReserve(info.Length))
        {
            try
            {
                content = File.ReadAllBytes(real);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                Interlocked.Add(ref _memoryBytes, -info.Length);
                return null;
            }
            if (content.Length != info.Length)
            {
                // The file changed between stat and read: trust what was read, and re-stat soon.
                Interlocked.Add(ref _memoryBytes, content.Length - info.Length);
                info.Refresh();
            }
        }
        else if (!CanRead(real))
        {
            return null;
        }
        var compressible = _options.Compression && MimeTypes.For(requested).Compressible && info.Length >= _options.MinCompressBytes;
        return new FileEntry(requested, real, content?.Length ?? info.Length, info.LastWriteTimeUtc, content, _time.GetTimestamp(), compressible);
    }

    // Large files are opened by the server when it sends them; check now that it will be able to, so the
    // client gets a 404 here rather than a 200 head and a dropped connection.
    private static bool CanRead(string real)
    {
        try
        {
            using var handle = File.OpenHandle(real, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return true;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private void Remember(string path, FileEntry entry)
    {
        if (Interlocked.Increment(ref _count) > _options.MaxCacheEntries)
        {
            // Full: start over rather than track recency on every hit (nginx evicts by LRU; a site with
            // more hot files than the limit should raise it).
            _byPath.Clear();
            Interlocked.Exchange(ref _count, 1);
            Interlocked.Exchange(ref _memoryBytes, entry.MemoryBytes);
        }
        if (_byPath.TryGetValue(path, out var previous))
        {
            Interlocked.Add(ref _memoryBytes, -previous.MemoryBytes);
            Interlocked.Decrement(ref _count);
        }
        _byPath[path] = entry;
    }
}
