// PeerFiles: what the lab needs to start its peers: nginx's config, filled in from the one template the
// project keeps (benchmarks/peers/nginx.conf.template, embedded in the program), and where the Kestrel
// peer's build is. It finds and fills in; LabServer starts them.
namespace Skein.Bench.Lab;

/// <summary>Peer configuration and discovery.</summary>
public static class PeerFiles
{
    private const string NginxTemplate = "nginx.conf.template";

    /// <summary>nginx.conf for <paramref name="port"/>, serving <paramref name="root"/>, its own files in <paramref name="dir"/>.</summary>
    public static string NginxConfig(int port, string root, string dir)
    {
        using var reader = new StreamReader(LabSite.Resource(NginxTemplate));
        return reader.ReadToEnd()
            .Replace("@PORT@", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@ROOT@", root, StringComparison.Ordinal)
            .Replace("@DIR@", dir, StringComparison.Ordinal);
    }

    /// <summary>Why nginx cannot run here, or null when it can.</summary>
    public static string? NginxMissing()
    {
        if (!LabSite.HasResource(NginxTemplate))
        {
            return "this build has no nginx config template (benchmarks/peers/nginx.conf.template)";
        }
        return FindOnPath("nginx") is null ? "nginx is not installed (apt-get install nginx)" : null;
    }

    /// <summary>
    /// The Kestrel peer's program: <paramref name="given"/> if set, else the Release build of
    /// benchmarks/KestrelPeer in the repository around the current folder or the program. Null when none is found.
    /// </summary>
    public static string? FindKestrel(string? given)
    {
        if (given is not null)
        {
            return File.Exists(given) ? Path.GetFullPath(given) : null;
        }
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var build = Path.Combine(dir.FullName, "benchmarks", "KestrelPeer", "bin", "Release", "net10.0");
                foreach (var name in new[] { "KestrelPeer", "KestrelPeer.dll" })
                {
                    if (File.Exists(Path.Combine(build, name)))
                    {
                        return Path.Combine(build, name);
                    }
                }
            }
        }
        return null;
    }

    private static string? FindOnPath(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin"]))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
