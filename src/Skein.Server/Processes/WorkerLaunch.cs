// How to start a worker process, as the program hosting the server says. .NET cannot fork(), so a worker
// is a fresh exec of a program, and only the host knows which program that is and how it runs the worker
// side (Skein.Cli has a hidden command for it). This library adds the channel: the descriptor number goes in an
// environment variable, and the settings travel over the channel as the first message. No command-line
// words of any host live here.

using System.Diagnostics;
using System.Globalization;

namespace Skein.Server.Processes;

/// <summary>
/// What the master needs to start a worker: the program (<see cref="FileName"/> and <see cref="Arguments"/>),
/// which must end up calling <c>ProcessWorker.Run</c> with <see cref="WorkerChannel.FromEnvironment"/>, and
/// the <see cref="Settings"/> every worker receives first over its channel, encoded by the host (typed and
/// versioned there; this library carries them as bytes).
/// </summary>
public sealed record WorkerLaunch(string FileName, IReadOnlyList<string> Arguments, ReadOnlyMemory<byte> Settings)
{
    /// <summary>The environment variable that tells a worker which inherited descriptor is its channel to
    /// the master, as systemd's LISTEN_FDS tells a service which descriptors it was given.</summary>
    public const string ChannelVariable = "SKEIN_WORKER_CHANNEL";

    /// <summary>The start info for a worker whose channel is inherited as descriptor <paramref name="channelFd"/>.
    /// Standard input, output and error are inherited, so a worker's log lines go straight to the master's.</summary>
    public ProcessStartInfo CreateStartInfo(int channelFd)
    {
        var info = new ProcessStartInfo(FileName) { UseShellExecute = false };
        foreach (var argument in Arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment[ChannelVariable] = channelFd.ToString(CultureInfo.InvariantCulture);
        return info;
    }

    /// <summary>The command line, for logs.</summary>
    public override string ToString() => string.Join(' ', [FileName, .. Arguments]);
}
