// ServerRun: one start and stop of a server.
namespace Skein.Bench.Lab;

/// <summary>One start and stop of a server.</summary>
/// <param name="Round">The round (from 1).</param>
/// <param name="Pid">The server's PID.</param>
/// <param name="StartMs">From starting the process to its first answer.</param>
/// <param name="Stop">How the stop went (null if the run was interrupted before it).</param>
public sealed record ServerRun(int Round, int Pid, double StartMs, StopOutcome? Stop);
