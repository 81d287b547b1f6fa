// LabWorkloads: command-line names of the workloads.
namespace Skein.Bench.Lab;

/// <summary>Command-line names of the workloads.</summary>
public static class LabWorkloads
{
    /// <summary>Every workload, in report order.</summary>
    public static IReadOnlyList<LabWorkload> All { get; } = Enum.GetValues<LabWorkload>();

    /// <summary>"static", "rate", ...</summary>
    public static string Name(LabWorkload workload) => workload.ToString().ToLowerInvariant();

    /// <summary>Parses a name; false when it is not a workload.</summary>
    public static bool TryParse(string text, out LabWorkload workload)
    {
        foreach (var w in All)
        {
            if (string.Equals(Name(w), text, StringComparison.OrdinalIgnoreCase))
            {
                workload = w;
                return true;
            }
        }
        workload = default;
        return false;
    }
}
