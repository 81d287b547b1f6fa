// LabResults: everything a lab run measured, as the report and results.json see it: per server, per
// cell, every round and the medians, with how each server started and stopped. Mutable while the run
// goes (LabRunner adds to it), read-only after.
namespace Skein.Bench.Lab;

/// <summary>How a cell ended for one server.</summary>
public enum CellStatus
{
    /// <summary>Measured, every response 2xx.</summary>
    Ok,

    /// <summary>Measured, but some responses were not 2xx (or failed): shown, flagged, and never quoted as a result.</summary>
    Flagged,

    /// <summary>Could not be measured (the server failed, or the cell had no answers at all).</summary>
    Failed,

    /// <summary>Not run: the server does not serve this path, or a smaller client count already timed out.</summary>
    Skipped,
}

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

/// <summary>One start and stop of a server.</summary>
/// <param name="Round">The round (from 1).</param>
/// <param name="Pid">The server's PID.</param>
/// <param name="StartMs">From starting the process to its first answer.</param>
/// <param name="Stop">How the stop went (null if the run was interrupted before it).</param>
public sealed record ServerRun(int Round, int Pid, double StartMs, StopOutcome? Stop);

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

/// <summary>A lab run's results.</summary>
public sealed class LabResults(LabSettings settings, MachineInfo machine)
{
    /// <summary>The settings of the run.</summary>
    public LabSettings Settings { get; } = settings;

    /// <summary>The machine it ran on.</summary>
    public MachineInfo Machine { get; } = machine;

    /// <summary>When it started (UTC).</summary>
    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    /// <summary>When it ended (UTC).</summary>
    public DateTimeOffset Finished { get; set; }

    /// <summary>Load average (1, 5, 15 min) when it ended: the machine may have been busy.</summary>
    public double[] LoadAverageAtEnd { get; set; } = [];

    /// <summary>False when it was interrupted (Ctrl-C): the report holds what was measured so far.</summary>
    public bool Completed { get; set; }

    /// <summary>Rounds completed in full.</summary>
    public int RoundsCompleted { get; set; }

    /// <summary>One entry per server, in settings order.</summary>
    public List<TargetResult> Targets { get; } = [];
}
