// Reading the process table from /proc, for tests that check which processes exist: a master's children,
// whether a pid still runs (a zombie or a vanished entry counts as gone), which files a process holds open.
// Read-only; kills only by pid.

using System.Globalization;
using System.Diagnostics;

namespace Skein.Server.Tests.Processes;

internal static class ProcessTable
{
    /// <summary>The pids whose parent is <paramref name="parent"/> and which are still running.</summary>
    public static IReadOnlyList<int> ChildrenOf(int parent)
    {
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && Stat(pid) is { } stat && stat.Parent == parent && stat.State is not ('Z' or 'X'))
            {
                children.Add(pid);
            }
        }
        return children;
    }

    /// <summary>True while <paramref name="pid"/> exists and is not a zombie.</summary>
    public static bool IsRunning(int pid) => Stat(pid) is { State: not ('Z' or 'X') };

    /// <summary>True while <paramref name="pid"/> has <paramref name="path"/> open (a descriptor links to it;
    /// a renamed file is linked under its new name). False once the process is gone.</summary>
    public static bool HoldsOpen(int pid, string path)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Any(fd => new FileInfo(fd).LinkTarget == path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // the process (or that descriptor) is gone
        }
    }

    /// <summary>SIGKILL to <paramref name="pid"/> (what Process.Kill sends on Linux); false if it no longer exists.</summary>
    public static bool KillHard(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            return true;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (InvalidOperationException)
        {
            return false; // exited meanwhile
        }
    }

    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so parse after the last ')'.
    private static (char State, int Parent)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        var rest = text.AsSpan(text.LastIndexOf(')') + 2);
        var state = rest[0];
        rest = rest[2..];
        var parent = int.Parse(rest[..rest.IndexOf(' ')], CultureInfo.InvariantCulture);
        return (state, parent);
    }
}
