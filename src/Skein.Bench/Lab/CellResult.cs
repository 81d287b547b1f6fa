// CellResult: one cell for one server: every round and the median.
namespace Skein.Bench.Lab;

/// <summary>One cell for one server: every round and the median.</summary>
public sealed class CellResult(LabCell cell)
{
    /// <summary>The cell.</summary>
    public LabCell Cell { get; } = cell;

    /// <summary>Every round measured, in order.</summary>
    public List<Measurement> Rounds { get; } = [];

    /// <summary>How it ended (the worst of its rounds).</summary>
    public CellStatus Status { get; set; } = CellStatus.Ok;

    /// <summary>Why it is flagged, failed or skipped.</summary>
    public string? Reason { get; set; }

    /// <summary>The median over the rounds, or null when none was measured.</summary>
    public Measurement? Median => Rounds.Count == 0 ? null : Measurement.Median(Rounds);

    /// <summary>True when its figures may be quoted: measured, every answer 2xx, nothing failed.</summary>
    public bool Quotable => Status == CellStatus.Ok && Rounds.Count > 0;
}
