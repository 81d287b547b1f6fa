// LabPlan: the cells and round counts of each preset.
namespace Skein.Bench.Lab;

/// <summary>The cells and round counts of each preset.</summary>
public static class LabPlan
{
    /// <summary>The index page of the lab's site (the bundled www/index.html).</summary>
    public const string IndexPath = "/index.html";

    /// <summary>The 100 KB file of the lab's site.</summary>
    public const string LargeFilePath = "/files/100k.bin";

    /// <summary>Rounds of each preset: each figure is the median of this many.</summary>
    public static int Rounds(LabPreset preset) => preset switch
    {
        LabPreset.Quick => 1,
        LabPreset.Default => 3,
        _ => 5,
    };

    /// <summary>The cells of <paramref name="preset"/>, in the order they run; <paramref name="duration"/>
    /// replaces the preset's length of every timed run when given.</summary>
    public static IReadOnlyList<LabCell> Cells(LabPreset preset, TimeSpan? duration = null)
    {
        var (timed, rate, rateLength) = preset switch
        {
            LabPreset.Quick => (TimeSpan.FromSeconds(1), 2_000.0, TimeSpan.FromSeconds(2)),
            LabPreset.Default => (TimeSpan.FromSeconds(2), 10_000.0, TimeSpan.FromSeconds(5)),
            _ => (TimeSpan.FromSeconds(5), 10_000.0, TimeSpan.FromSeconds(30)),
        };
        timed = duration ?? timed;
        rateLength = duration ?? rateLength;
        int[] staticConnections = preset switch
        {
            LabPreset.Quick => [10],
            LabPreset.Default => [10, 100],
            _ => [10, 100, 1000],
        };
        int[] ioClients = preset switch
        {
            LabPreset.Quick => [1, 10],
            LabPreset.Default => [1, 10, 100, 1000],
            _ => [1, 10, 100, 1000, 10_000],
        };
        int[] cpuClients = preset == LabPreset.Quick ? [1, 2, 4] : [1, 2, 4, 8, 16];
        int cometClients = preset switch { LabPreset.Quick => 50, LabPreset.Default => 1000, _ => 10_000 };
        // Deadlines of the untimed cells: long enough for a model that serves everyone at once, short
        // enough that one serving them in turn (single at 100 /io clients needs 100 s) does not stall the run.
        var ioDeadline = TimeSpan.FromSeconds(preset switch { LabPreset.Quick => 4, LabPreset.Default => 12, _ => 30 });
        var cpuDeadline = TimeSpan.FromSeconds(preset switch { LabPreset.Quick => 10, LabPreset.Default => 30, _ => 60 });
        var cometDeadline = TimeSpan.FromSeconds(preset switch { LabPreset.Quick => 5, LabPreset.Default => 15, _ => 60 });

        var cells = new List<LabCell>();
        foreach (int c in staticConnections)
        {
            cells.Add(new LabCell($"static-keepalive-c{c}", LabWorkload.Static, $"index page, keep-alive, {c} connections", IndexPath, c, timed));
        }
        cells.Add(new LabCell("static-close-c10", LabWorkload.Static, "index page, Connection: close, 10 connections", IndexPath, 10, timed) { KeepAlive = false });
        cells.Add(new LabCell("static-100k-c10", LabWorkload.Static, "100 KB file, keep-alive, 10 connections", LargeFilePath, 10, timed));
        // The course's wrk2 command is -t10 -c10 -R10000: ten connections at a constant rate. Two load
        // threads, not ten: this machine has two cores and the server needs one.
        cells.Add(new LabCell($"rate-{rate:0}", LabWorkload.Rate, $"index page at {rate:N0} req/s, 10 connections", IndexPath, 10, rateLength) { Rate = rate, Threads = 2 });
        foreach (int n in ioClients)
        {
            cells.Add(new LabCell($"io-{n}", LabWorkload.Io, $"{n:N0} concurrent /io clients", "/io", n, ioDeadline));
        }
        foreach (int n in cpuClients)
        {
            cells.Add(new LabCell($"cpu-{n}", LabWorkload.Cpu, $"{n} concurrent /cpu clients", "/cpu", n, cpuDeadline));
        }
        int cpuBeside = Math.Max(2, Environment.ProcessorCount);
        cells.Add(new LabCell("mixed", LabWorkload.Mixed, $"index page on 4 connections while {cpuBeside} clients request /cpu", IndexPath, 4, timed * 2) { CpuClients = cpuBeside });
        // Comet last: a model that holds one connection at a time (single) stays parked on a waiter nobody
        // notifies once the clients give up, and would answer nothing after it.
        cells.Add(new LabCell($"comet-{cometClients}", LabWorkload.Comet, $"{cometClients:N0} long-poll waiters, one /notify", "/", cometClients, cometDeadline));
        return cells;
    }
}
