// CellStatus: how a cell ended for one server.
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
