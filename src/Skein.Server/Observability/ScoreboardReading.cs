// One read of a Scoreboard: its header, the sum over every process (exited ones included) and each live
// process's own figures. A value; it does not read memory itself.

namespace Skein.Server.Observability;

/// <summary>The scoreboard at one moment.</summary>
/// <param name="MasterPid">The process that made the scoreboard (the master of a process model, or the server itself).</param>
/// <param name="Started">When that process started.</param>
/// <param name="Total">The sum over every process, including those that exited.</param>
/// <param name="Processes">Each live process, in slot order.</param>
public sealed record ScoreboardReading(int MasterPid, DateTimeOffset Started, ProcessFigures Total, IReadOnlyList<ProcessFigures> Processes);
