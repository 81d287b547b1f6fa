// LabPreset: the three sizes of a lab run and the cells each one measures. Quick is CI's smoke test
// (structure, not numbers), Default the ~10-minute run the docs show, Full the long one. The cells are
// the classic experiments of the seeds, scaled to the preset; nothing here runs anything.
namespace Skein.Bench.Lab;

/// <summary>How big a lab run is.</summary>
public enum LabPreset
{
    /// <summary>Under two minutes on a 2-core machine: one round, one or two points per curve.</summary>
    Quick,

    /// <summary>About ten minutes on a 2-core machine: three rounds, the classic curves.</summary>
    Default,

    /// <summary>Long: five rounds, longer runs, 10,000 clients for /io and comet.</summary>
    Full,
}
