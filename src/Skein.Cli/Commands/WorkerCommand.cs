// `skein worker`: the hidden command a process-model master re-executes to start a worker process
// (.NET cannot fork). Wiring only: it takes the very options of `skein serve` (the master passes its
// own), adopts the inherited channel descriptor, builds this process's server and calls WorkerHost.
// It is not meant to be run by hand: without a master's channel it has nothing to serve.

using System.CommandLine;
using Skein.App;
using Skein.App.Endpoints;
using Skein.Cli.Logging;
using Skein.Server;
using Skein.Server.Processes;

namespace Skein.Cli.Commands;

/// <summary><c>skein worker --channel-fd N [serve options]</c>: one worker process of a process model.</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var arguments = new ServeArguments();
        var channelFd = new Option<int>(WorkerLaunch.ChannelFdOption)
        {
            Description = "The inherited descriptor of the channel to the master process.",
            Required = true,
        };
        var command = new Command(WorkerLaunch.WorkerCommand, "Run one worker process of a process model (started by the master).")
        {
            Hidden = true,
        };
        arguments.AddTo(command);
        command.Options.Add(channelFd);
        command.SetAction(parse => Run(parse, arguments, parse.GetValue(channelFd)));
        return command;
    }

    private static int Run(ParseResult parse, ServeArguments arguments, int channelFd)
    {
        // Adopt the channel first: if anything below fails, closing it tells the master at once.
        using var channel = new WorkerChannel(UnixFdChannel.FromInherited(channelFd));
        var options = WorkerHost.OptionsForWorker(arguments.BindServer(parse));
        var site = arguments.BindSite(parse);
        using var loggerFactory = SkeinLogging.Create(options.Verbose);
        return WorkerHost.Run(
            shared => new ServerContext(options, SiteApplication.Create(site with { WaiterBackplane = new SharedWaiters(shared) }), loggerFactory),
            channel, loggerFactory.CreateLogger("Skein.Worker"));
    }

    // /wait, /notify and /waiters across all the processes of the model: the count lives in the page the
    // master shares with every worker, and a notify is a broadcast on it.
    private sealed class SharedWaiters(SharedSignal shared) : IWaiterBackplane
    {
        public int Waiting => shared.Count;

        public void AddWaiting(int delta) => shared.Add(delta);

        public void Publish(int released) => shared.Publish(released);

        public void Subscribe(Action<int> onPublished) => shared.Watch(onPublished);
    }
}
