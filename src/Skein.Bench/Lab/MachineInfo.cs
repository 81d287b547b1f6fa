// MachineInfo: the machine a lab run measured on, read from /proc and the runtime, so a report says
// where its numbers come from (and how busy the machine was: load averages at start and end).
using System.Globalization;
using System.Runtime.InteropServices;

namespace Skein.Bench.Lab;

/// <summary>The machine, as the report describes it.</summary>
/// <param name="Cores">Logical processors.</param>
/// <param name="MemoryBytes">Total memory (MemTotal).</param>
/// <param name="Cpu">CPU model name.</param>
/// <param name="Kernel">Kernel release.</param>
/// <param name="Os">Operating system (PRETTY_NAME of /etc/os-release).</param>
/// <param name="Runtime">.NET runtime.</param>
/// <param name="LoadAverageAtStart">1, 5 and 15 minute load averages when the run started.</param>
public sealed record MachineInfo(int Cores, long MemoryBytes, string Cpu, string Kernel, string Os, string Runtime, double[] LoadAverageAtStart)
{
    /// <summary>Reads this machine.</summary>
    public static MachineInfo Read() => new(
        Environment.ProcessorCount,
        MemTotal(),
        FirstValue("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        ReadLine("/proc/sys/kernel/osrelease") ?? Environment.OSVersion.VersionString,
        (FirstValue("/etc/os-release", "PRETTY_NAME", '=') ?? RuntimeInformation.OSDescription).Trim('"'),
        RuntimeInformation.FrameworkDescription,
        LoadAverage());

    /// <summary>The 1, 5 and 15 minute load averages (empty if unknown).</summary>
    public static double[] LoadAverage()
    {
        var line = ReadLine("/proc/loadavg");
        return line is null ? [] : [.. line.Split(' ').Take(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
    }

    private static long MemTotal()
    {
        var kb = FirstValue("/proc/meminfo", "MemTotal")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return kb is null ? 0 : long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
    }

    private static string? ReadLine(string path)
    {
        try
        {
            return File.ReadLines(path).FirstOrDefault()?.Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? FirstValue(string path, string key, char separator = ':')
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                int at = line.IndexOf(separator, StringComparison.Ordinal);
                if (at > 0 && line[..at].Trim() == key)
                {
                    return line[(at + 1)..].Trim();
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or hidden: the report says "unknown".
        }
        return null;
    }
}
