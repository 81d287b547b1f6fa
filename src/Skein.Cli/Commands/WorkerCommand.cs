// `skein worker`: the hidden command a process-model master re-executes to start a worker process.
// Wiring only: it parses the channel descriptor and the serve settings and calls WorkerHost.
// It is not meant to be run by hand (the master passes a descriptor it inherited).

using System.CommandLine;
using Skein.Server.Processes;

namespace Skein.Cli.Commands;

/// <summary><c>skein worker --channel-fd N [serve options]</c>: one worker process of a process model.</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var channelFd = new Option<int>(WorkerLaunch.ChannelFdOption)
        {
            Description = "The inherited descriptor of the channel to the master process.",
            Required = true,
        };
        var command = new Command(WorkerLaunch.WorkerCommand, "Run one worker process of a process model (started by the master).")
        {
            Hidden = true,
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Options.Add(channelFd);
        command.SetAction(parse =>
        {
            using var channel = new WorkerChannel(UnixFdChannel.FromInherited(parse.GetValue(channelFd)));
            channel.TrySend(new WorkerMessage(WorkerMessageKind.Ready, Environment.ProcessId));
            while (channel.TryReceive(out var message, out var fd))
            {
                fd?.Dispose();
                if (message.Kind == WorkerMessageKind.Stop)
                {
                    break;
                }
            }
            return 0;
        });
        return command;
    }
}
