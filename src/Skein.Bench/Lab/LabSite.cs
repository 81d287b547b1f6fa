// LabSite: the folder every server of a lab run serves, made fresh for the run: the bundled index page
// (www/index.html, embedded in the program) and a 100 KB file. World-readable on purpose: nginx's worker
// runs as `nobody` and a 0700 folder made it answer 403 to everything in an earlier comparison. It also
// holds each peer's scratch folder. It is deleted when the run ends.
using System.Reflection;

namespace Skein.Bench.Lab;

/// <summary>The lab's temporary site and scratch folders.</summary>
public sealed class LabSite : IDisposable
{
    /// <summary>Size of the large file: 100 KB, the "100 KB file" (102,400 bytes).</summary>
    public const int LargeFileBytes = 100 * 1024;

    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private LabSite(string root)
    {
        Root = root;
        Site = Path.Combine(root, "site");
        Scratch = Path.Combine(root, "scratch");
    }

    /// <summary>The temporary folder holding everything.</summary>
    public string Root { get; }

    /// <summary>The folder served.</summary>
    public string Site { get; }

    /// <summary>Peers' own files (configs, pid files, logs).</summary>
    public string Scratch { get; }

    /// <summary>Creates the folders and files.</summary>
    public static LabSite Create()
    {
        var root = Directory.CreateTempSubdirectory("skein-lab-").FullName;
        var site = new LabSite(root);
        Directory.CreateDirectory(Path.Combine(site.Site, "files"));
        Directory.CreateDirectory(site.Scratch);
        if (!OperatingSystem.IsWindows())
        {
            foreach (var dir in new[] { root, site.Site, Path.Combine(site.Site, "files"), site.Scratch })
            {
                File.SetUnixFileMode(dir, Readable);
            }
        }
        using (var index = Resource("index.html"))
        using (var file = File.Create(Path.Combine(site.Site, "index.html")))
        {
            index.CopyTo(file);
        }
        // Deterministic bytes (no compression or caching trick can shrink them meaningfully).
        var bytes = new byte[LargeFileBytes];
        new Random(100).NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(site.Site, "files", "100k.bin"), bytes);
        return site;
    }

    /// <summary>An embedded file of the program (see Skein.Bench.csproj).</summary>
    internal static Stream Resource(string name) =>
        Assembly.GetExecutingAssembly().GetManifestResourceStream("Skein.Bench.Lab." + name)
        ?? throw new InvalidOperationException($"the program was built without its embedded {name}");

    /// <summary>True when the program was built with the embedded file.</summary>
    internal static bool HasResource(string name) =>
        Assembly.GetExecutingAssembly().GetManifestResourceInfo("Skein.Bench.Lab." + name) is not null;

    /// <summary>Deletes the folder.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A peer still writing its log as it exits; the folder is in the temp dir and harmless.
        }
    }
}
