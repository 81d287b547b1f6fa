// TargetResult: everything measured for one server.
namespace Skein.Bench.Lab;

/// <summary>Everything measured for one server.</summary>
public sealed class TargetResult(LabTarget target)
{
    /// <summary>The server.</summary>
    public LabTarget Target { get; } = target;

    /// <summary>Its cells, in plan order.</summary>
    public List<CellResult> Cells { get; } = [];

    /// <summary>Each start and stop.</summary>
    public List<ServerRun> Runs { get; } = [];

    /// <summary>Every failure, one per round it happened in (could not start or answer, exited, stopped uncleanly).</summary>
    public List<string> Failures { get; } = [];

    /// <summary>The failures as one sentence, or null when there were none.</summary>
    public string? Failure => Failures.Count == 0 ? null : string.Join("; ", Failures);

    /// <summary>True when the target was skipped as a whole (a peer that is not installed).</summary>
    public bool Skipped => Target.SkipReason is not null;

    /// <summary>The cell with <paramref name="id"/>, or null.</summary>
    public CellResult? Cell(string id) => Cells.Find(c => c.Cell.Id == id);
}
