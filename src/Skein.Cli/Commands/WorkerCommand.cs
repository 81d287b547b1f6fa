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
using Skein.Server.Observability;
using Skein.Server.Processes;
using Skein.Server.Threading;

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

    /// <summary>Runs this process as a worker; returns the exit code.</summary>
    public static int Run()
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
                var site = settings.Site with { WaiterBackplane = new SharedWaiters(start.Shared, start.Slot), TimeProvider = LoopTimeProvider.Instance };
                // With --status-path this worker counts its work in its slot of the scoreboard its master shares.
                var scoreboard = settings.Server.Observed
                    ? Scoreboard.OpenShared(start.Shared.Handle, SharedSignal.MappedBytes, start.Slot, TimeProvider.System) : null;
                return ProcessWorker.Run(channel, () => new ServerContext(settings.Server, SiteApplication.Create(site), loggerFactory, scoreboard: scoreboard),
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
    // The thread that listens for broadcasts starts with this process's first waiter: most workers never
    // have one, and a process that has none has nothing to release.
    private sealed class SharedWaiters(SharedSignal shared, int slot) : IWaiterBackplane
    {
        private readonly Lock _gate = new();
        private Action<int>? _onPublished;
        private bool _watching;

        public int Waiting => shared.Count;

        public void AddWaiting(int delta)
        {
            // Watching starts before the count includes this waiter: a notify that counted it publishes after
            // the watcher's starting point, so it reaches it; one that did not count it may miss it, and then
            // the waiter simply came after that notify.
            if (delta > 0 && !Volatile.Read(ref _watching) && _onPublished is { } onPublished)
            {
                lock (_gate)
                {
                    if (!_watching)
                    {
                        shared.Watch(onPublished);
                        Volatile.Write(ref _watching, true);
                    }
                }
            }
            shared.Add(slot, delta);
        }

        public void Publish(int released) => shared.Publish(released);

        public void Subscribe(Action<int> onPublished) => _onPublished = onPublished;
    }
}
