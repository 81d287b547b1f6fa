// LabSettings: everything one `skein lab` run was asked to do, typed and validated by the CLI. The lab
// records it in the report word for word so a run can be repeated. It runs nothing.
namespace Skein.Bench.Lab;

/// <summary>Settings of a lab run.</summary>
public sealed record LabSettings
{
    /// <summary>The program to start for the Skein models.</summary>
    public required SkeinExecutable Skein { get; init; }

    /// <summary>The preset the cells and rounds come from.</summary>
    public LabPreset Preset { get; init; } = LabPreset.Default;

    /// <summary>Servers, in the order each round visits them (the models first, then peers).</summary>
    public required IReadOnlyList<LabTarget> Targets { get; init; }

    /// <summary>Workloads to run (default: all).</summary>
    public IReadOnlyList<LabWorkload> Workloads { get; init; } = LabWorkloads.All;

    /// <summary>The cells, from the preset (and --duration), narrowed to <see cref="Workloads"/>.</summary>
    public required IReadOnlyList<LabCell> Cells { get; init; }

    /// <summary>Rounds: each figure is the median over them.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Folder the report is written to.</summary>
    public required string OutputFolder { get; init; }

    /// <summary>Longest wait for a started server to answer its first request (default 30 s: a process
    /// model starts its workers first, and the machine may be busy).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait for a server to exit after it is asked to stop (default 20 s: the lab starts
    /// Skein with a 5 s shutdown timeout; the rest is for process models joining their workers).</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Warm-up load after start, before any cell (JIT, caches).</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the server's process tree is read from /proc.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The command line that asked for this run, for the report.</summary>
    public string CommandLine { get; init; } = "";

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that makes no sense.</summary>
    public LabSettings Validate()
    {
        if (Targets.Count == 0)
        {
            throw new ArgumentException("nothing to measure: no models, peers or targets", nameof(Targets));
        }
        if (Cells.Count == 0)
        {
            throw new ArgumentException("nothing to measure: no workloads", nameof(Workloads));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(Rounds, 1, nameof(Rounds));
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var target in Targets)
        {
            if (!names.Add(target.Name))
            {
                throw new ArgumentException($"two servers are named '{target.Name}'", nameof(Targets));
            }
        }
        return this;
    }
}
