// `skein worker`: the hidden command a process-model master execs to start a worker process (.NET cannot
// fork). Wiring only: it adopts the channel its master passed down, decodes the settings message (the very
// options of the master's `skein serve`), builds this process's server and hands it to ProcessWorker.
// It takes no options and is not meant to be run by hand: without a master's channel it has nothing to serve.

using System.CommandLine;
using Microsoft.Extensions.Logging;
using Skein.App;
using Skein.App.Endpoints;
using Skein.Cli.Logging;
using Skein.Cli.Workers;
using Skein.Server;
using Skein.Server.Models;
using Skein.Server.Processes;

namespace Skein.Cli.Commands;

/// <summary><c>skein worker</c>: one worker process of a process model.</summary>
internal static class WorkerCommand
{
    /// <summary>Exit code when the master's settings cannot be read (another build, or not started by a master).</summary>
    public const int SettingsError = 2;

    public static Command Create()
    {
        var command = new Command(WorkerPrograms.WorkerCommand, "Run one worker process of a process model (started by the master).")
        {
            Hidden = true,
        };
        command.SetAction(_ => Run());
        return command;
    }

    private static int Run()
    {
        WorkerChannel channel;
        try
        {
            channel = WorkerChannel.FromEnvironment();
        }
        catch (InvalidOperationException e)
        {
            return Fail(e.Message);
        }
        // The channel is adopted first: if anything below fails, its closing tells the master at once.
        using (channel)
        {
            WorkerStart? start;
            try
            {
                if (!WorkerStart.TryReceive(channel, out start))
                {
                    return 0; // stopped, or the master died, before this worker began
                }
            }
            catch (InvalidDataException e)
            {
                return Fail(e.Message);
            }
            using (start)
            {
                if (!WorkerSettings.TryDecode(start.Settings.Span, out var settings, out var error))
                {
                    return Fail(error);
                }
                using var loggerFactory = SkeinLogging.Create(settings.Server.Verbose);
                var site = settings.Site with { WaiterBackplane = new SharedWaiters(start.Shared, start.Slot) };
                return ProcessWorker.Run(channel, () => new ServerContext(settings.Server, SiteApplication.Create(site), loggerFactory),
                    loggerFactory.CreateLogger("Skein.Worker"));
            }
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"skein worker: {message}");
        return SettingsError;
    }

    // /wait, /notify and /waiters across all the processes of the model: the count lives in the memory the
    // master shares with every worker (this worker's own slot of it), and a notify is a broadcast on it.
    private sealed class SharedWaiters(SharedSignal shared, int slot) : IWaiterBackplane
    {
        public int Waiting => shared.Count;

        public void AddWaiting(int delta) => shared.Add(slot, delta);

        public void Publish(int released) => shared.Publish(released);

        public void Subscribe(Action<int> onPublished) => shared.Watch(onPublished);
    }
}
