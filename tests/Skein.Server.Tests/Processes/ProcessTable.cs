// Reading the process table from /proc, for tests that check which processes exist: a master's children,
// whether a pid still runs (a zombie or a vanished entry counts as gone), which files and sockets a process holds
// open, which TCP sockets exist on a port and what their queues hold. Read-only; kills only by pid.

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

    /// <summary>The /proc/net/tcp state of an established connection.</summary>
    public const string Established = "01";

    /// <summary>The /proc/net/tcp state of a connection whose handshake the listener has not completed (a
    /// deferred accept holds it so until its first bytes arrive); no descriptor links to it (inode 0).</summary>
    public const string SynReceived = "03";

    /// <summary>The /proc/net/tcp state of a listening socket.</summary>
    public const string Listening = "0A";

    private static readonly string[] TcpTables = ["/proc/net/tcp", "/proc/net/tcp6"];

    /// <summary>True while <paramref name="pid"/> has <paramref name="path"/> open (a descriptor links to it;
    /// a renamed file is linked under its new name; a socket is "socket:[inode]"). False once the process is gone.</summary>
    public static bool HoldsOpen(int pid, string path) => OpenFiles(pid).Contains(path);

    /// <summary>What each descriptor of <paramref name="pid"/> links to (a path, "socket:[inode]", ...); empty once
    /// the process is gone.</summary>
    public static IReadOnlyList<string> OpenFiles(int pid)
    {
        try
        {
            return [.. Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Select(fd => new FileInfo(fd).LinkTarget).OfType<string>()];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return []; // the process (or that descriptor) is gone
        }
    }

    /// <summary>The TCP sockets (IPv4 and IPv6) whose local port is <paramref name="localPort"/>, in
    /// <paramref name="state"/> (<see cref="Established"/>, <see cref="Listening"/>) and, if given, connected to
    /// <paramref name="remotePort"/>: each as the "socket:[inode]" its holders' descriptors link to.</summary>
    public static IReadOnlyList<string> TcpSockets(int localPort, string state, int? remotePort = null)
        => [.. TcpRows(localPort, state, remotePort).Select(fields => $"socket:[{fields[9]}]")];

    /// <summary>The send and receive queues of the established TCP socket from <paramref name="localPort"/> to
    /// <paramref name="remotePort"/>, as /proc/net/tcp shows them: bytes written and not yet acknowledged (unsent
    /// ones included), and bytes received and not yet read. Null while there is no such socket.</summary>
    public static (long Send, long Receive)? TcpQueues(int localPort, int remotePort)
    {
        if (TcpRows(localPort, Established, remotePort).FirstOrDefault() is not { } fields)
        {
            return null;
        }
        var queues = fields[4].Split(':');
        return (long.Parse(queues[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            long.Parse(queues[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    // The rows of /proc/net/tcp and tcp6, split into fields, of the sockets from localPort in state (to remotePort if given).
    private static IEnumerable<string[]> TcpRows(int localPort, string state, int? remotePort)
    {
        var local = ":" + localPort.ToString("X4", CultureInfo.InvariantCulture);
        var remote = remotePort is { } port ? ":" + port.ToString("X4", CultureInfo.InvariantCulture) : ":";
        return TcpTables.SelectMany(table => File.ReadLines(table).Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields[1].EndsWith(local, StringComparison.Ordinal) && fields[3] == state
                && (remotePort is null || fields[2].EndsWith(remote, StringComparison.Ordinal)));
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
