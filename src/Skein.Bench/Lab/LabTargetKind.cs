// LabTargetKind: what kind of server a target is.
namespace Skein.Bench.Lab;

/// <summary>What kind of server a target is.</summary>
public enum LabTargetKind
{
    /// <summary><c>skein serve -c MODEL</c>, started by the lab.</summary>
    Skein,

    /// <summary>nginx from the distribution, started by the lab with the generated config.</summary>
    Nginx,

    /// <summary>The Kestrel peer app (benchmarks/KestrelPeer), started by the lab.</summary>
    Kestrel,

    /// <summary>A server already running (<c>--target NAME=URL</c>); never started or stopped.</summary>
    External,
}
