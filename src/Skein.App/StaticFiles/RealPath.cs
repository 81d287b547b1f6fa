// realpath(3) in managed code: the canonical location of a path with every symbolic link, "." and ".."
// resolved, component by component, as the kernel would. Used to refuse files whose real location leaves the
// document root. It does not decide what is allowed; FileResolver does.
namespace Skein.App.StaticFiles;

/// <summary>Resolves paths the way POSIX <c>realpath</c> does, without native interop.</summary>
internal static class RealPath
{
    // Linux gives up after 40 links (MAXSYMLINKS / ELOOP); so do we.
    private const int MaxLinks = 40;

    /// <summary>The canonical absolute path of <paramref name="path"/>, or null when a component does not
    /// exist, a non-directory is followed by more components, or links loop.</summary>
    public static string? Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "/";
        var pending = new Stack<string>();
        PushComponents(pending, full[root.Length..]);
        var resolved = root.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var links = 0;
        while (pending.Count > 0)
        {
            var component = pending.Pop();
            if (component.Length == 0 || component == ".")
            {
                continue;
            }
            if (component == "..")
            {
                var cut = resolved.LastIndexOf(Path.DirectorySeparatorChar);
                resolved = cut <= 0 ? resolved[..Math.Max(cut, 0)] : resolved[..cut];
                continue;
            }
            var next = resolved + Path.DirectorySeparatorChar + component;
            var info = new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                if (++links > MaxLinks)
                {
                    return null;
                }
                // The rest of the path continues from the link's target: absolute targets restart at the
                // root, relative ones are relative to the directory holding the link.
                PushComponents(pending, target);
                if (Path.IsPathRooted(target))
                {
                    resolved = (Path.GetPathRoot(target) ?? "/").TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
                }
                continue;
            }
            if (!info.Exists && !Directory.Exists(next))
            {
                return null;
            }
            if (info.Exists && pending.Count > 0 && HasMoreNamedComponents(pending))
            {
                // A regular file in the middle of a path (ENOTDIR).
                return null;
            }
            resolved = next;
        }
        return resolved.Length == 0 ? root : resolved;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="directory"/> or lies below it
    /// (both canonical, as returned by <see cref="Resolve"/>).</summary>
    public static bool IsWithin(string path, string directory)
    {
        if (path.Length == directory.Length)
        {
            return string.Equals(path, directory, StringComparison.Ordinal);
        }
        var prefix = directory.EndsWith(Path.DirectorySeparatorChar) ? directory : directory + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, StringComparison.Ordinal);
    }

    private static void PushComponents(Stack<string> pending, string path)
    {
        var parts = path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]);
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }

    private static bool HasMoreNamedComponents(Stack<string> pending)
    {
        foreach (var component in pending)
        {
            if (component.Length > 0 && component != ".")
            {
                return true;
            }
        }
        return false;
    }
}
