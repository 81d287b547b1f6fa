// LabTarget: one server the lab measures: a Skein model it starts itself, a peer it starts itself
// (nginx, Kestrel), or a server already running at a URL. A description; LabServer starts and stops it.
namespace Skein.Bench.Lab;

/// <summary>A server to measure.</summary>
/// <param name="Name">Its name in the report: the model name for Skein, "nginx", "kestrel", or the user's name.</param>
/// <param name="Kind">How it is started.</param>
public sealed record LabTarget(string Name, LabTargetKind Kind)
{
    /// <summary>Skein: the <c>-w</c> value, or null for the model's default.</summary>
    public int? Workers { get; init; }

    /// <summary>Kestrel: the peer's program (an executable or a .dll run with dotnet); External: unused.</summary>
    public string? Program { get; init; }

    /// <summary>External: the server's base URL.</summary>
    public Uri? Url { get; init; }

    /// <summary>Why the target cannot run at all (a peer that is not installed), or null.</summary>
    public string? SkipReason { get; init; }

    /// <summary>True for nginx, Kestrel and external servers: the peers Skein is compared with.</summary>
    public bool IsPeer => Kind != LabTargetKind.Skein;
}
