// LabResults: everything a lab run measured, as the report and results.json see it: per server, per
// cell, every round and the medians, with how each server started and stopped. Mutable while the run
// goes (LabRunner adds to it), read-only after.
namespace Skein.Bench.Lab;

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
