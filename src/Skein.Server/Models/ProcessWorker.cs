// The worker process's side of the three process models, shared by their drivers: the top of a worker
// (build its own ServerContext from the settings its master sent, hand it to its model), reporting ready,
// taking its socket(s) from the channel, warming up, and stopping when the master says so or dies. What a
// worker runs is said in each model's own file (its Work method). It does not decode settings (the host
// does) and starts no processes.

using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;
using Skein.Server.Lifecycle;
using Skein.Server.Processes;
using Skein.Server.Threading;

namespace Skein.Server.Models;

/// <summary>
/// One worker process: its server and its channel to the master. A thread watches the channel once the
/// worker serves: Stop starts the graceful shutdown; end-of-file means the master is gone (killed, even by
/// SIGKILL, the kernel closes its end), and the worker shuts down too — no orphans.
/// </summary>
public sealed class ProcessWorker
{
    /// <summary>How long a worker whose master died lets its in-flight requests run before it exits: 2 s.
    /// Short on purpose (the shutdown timeout is for a supervised, orderly stop): an orphan must not linger.</summary>
    public static readonly TimeSpan OrphanGrace = TimeSpan.FromSeconds(2);

    private readonly WorkerChannel _channel;

    private ProcessWorker(ServerContext server, WorkerChannel channel)
    {
        Server = server;
        _channel = channel;
    }

    /// <summary>This worker's own server (options from the master's settings, its own registry and shutdown).</summary>
    public ServerContext Server { get; }

    /// <summary>
    /// The top of a worker process, after <see cref="WorkerStart.TryReceive"/>: builds its server with
    /// <paramref name="build"/> and runs what its model's workers run (<see cref="ModelFactory.RunWorker"/>).
    /// Returns the exit code: 0 after a graceful stop, 1 if anything failed (logged to <paramref name="log"/>;
    /// the master sees the exit and, for a pool, starts a replacement).
    /// </summary>
    public static int Run(WorkerChannel channel, Func<ServerContext> build, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(build);
        try
        {
            using var server = build();
            var signals = HandleSignals(server);
            try
            {
                return ModelFactory.RunWorker(new ProcessWorker(server, channel));
            }
            finally
            {
                foreach (var signal in signals)
                {
                    signal.Dispose();
                }
            }
        }
#pragma warning disable CA1031 // The one catch-all of a worker process: whatever escapes is logged, then the exit code speaks.
        catch (Exception e)
#pragma warning restore CA1031
        {
            ProcessLog.WorkerFailed(log, Environment.ProcessId, e);
            return 1;
        }
    }

    /// <summary>process: report ready (a spare), serve the one connection the master hands over, then exit.
    /// Returns the exit code.</summary>
    public int ServeOneConnection()
    {
        if (NeedsWarmUp && !_channel.HasPending)
        {
            TryWarmUp(); // only while no connection waits for this process
        }
        // Ready before the wait: this process is a spare until the master hands it a connection.
        ReportReady();
        if (!TryReceiveWork(WorkerMessageKind.Serve, out var fd, out var exitCode))
        {
            return exitCode;
        }
        using var exiting = WatchMaster();
        // Blocking = true: if the master's accept left the socket non-blocking, .NET emulates blocking calls.
        var socket = new Socket(UnixFdChannel.ToSocket(fd)) { Blocking = true };
        Server.ServeBlocking(socket);
        return 0;
    }

    /// <summary>process-pool, hybrid: wait for the listening socket (a standby waits here until a worker
    /// dies), then run <paramref name="model"/> over it until the master stops this worker. Returns the exit code.</summary>
    public int ServeListener(IConcurrencyModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (NeedsWarmUp && !_channel.HasPending)
        {
            TryWarmUp(); // a standby: it waits for the listening socket until a worker dies
        }
        if (!TryReceiveWork(WorkerMessageKind.Listen, out var fd, out var exitCode))
        {
            return exitCode;
        }
        using var listener = Listener.FromShared(SharedListeningSocket.Prepare(UnixFdChannel.ToSocket(fd)), Server.Log);
        Server.Shutdown.OnStopAccepting(listener.Stop);
        ReportReady();
        using var exiting = WatchMaster();
        model.Run(listener, Server.Shutdown.Stopping);
        Server.Shutdown.RequestStop("the listener stopped");
        Server.Shutdown.WaitForConnections();
        ServerHost.LogWorkerStopped(Server);
        model.Join(TimeSpan.FromSeconds(5));
        (model as IDisposable)?.Dispose();
        return 0;
    }

    /// <summary>hybrid: report ready, then serve on <paramref name="loops"/> every connection the master
    /// hands over (or, given the listening socket, every one the first loop accepts), until it says Stop
    /// (graceful shutdown) or is gone. The channel is this worker's listener, and the first loop reads it
    /// (<see cref="HandOutReceiver"/>). Returns the exit code.</summary>
    public int ServeHandedOut(EventLoopGroup loops)
    {
        ArgumentNullException.ThrowIfNull(loops);
        if (NeedsWarmUp && !_channel.HasPending)
        {
            TryWarmUp();
        }
        ReportReady();
        using var exiting = new ExitSignal();
        using var receiver = new HandOutReceiver(Server, _channel, loops);
        receiver.Start();
        if (receiver.WaitForEnd())
        {
            ProcessLog.StopRequested(Server.Log, Environment.ProcessId, "the master asked");
            Server.Shutdown.RequestStop("the master asked");
        }
        else
        {
            OnMasterGone(exiting);
        }
        Server.Shutdown.WaitForConnections();
        ServerHost.LogWorkerStopped(Server);
        loops.Join(TimeSpan.FromSeconds(5));
        return 0;
    }

    // SIGUSR1 in the master, relayed over the channel: a file that cannot be opened leaves the lines going to
    // the old one, and says so.
    internal static void ReopenLogs(ServerContext server)
    {
        try
        {
            server.ReopenLogs();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Logging.ServerLog.LogsNotReopened(server.Log, "the master asked", e.Message);
        }
    }

    private void ReportReady() => _channel.TrySend(new WorkerMessage(WorkerMessageKind.Ready, Environment.ProcessId));

    // The work message with its socket. False with the exit code when there is none: 0 if the master stopped
    // this worker or died first, 1 if it sent something else.
    private bool TryReceiveWork(WorkerMessageKind kind, out SafeFileHandle fd, out int exitCode)
    {
        WorkerMessage message;
        SafeFileHandle? received;
        bool open;
        while ((open = _channel.TryReceive(out message, out received)) && message.Kind == WorkerMessageKind.ReopenLogs)
        {
            received?.Dispose();
            ReopenLogs(Server); // a spare or standby writes no line yet, but will: it keeps waiting for its work
        }
        if (!open || message.Kind == WorkerMessageKind.Stop)
        {
            received?.Dispose();
            (fd, exitCode) = (null!, 0);
            return false;
        }
        if (message.Kind != kind || received is null)
        {
            received?.Dispose();
            (fd, exitCode) = (null!, 1);
            return false;
        }
        (fd, exitCode) = (received, 0);
        return true;
    }

    // A fresh JIT-compiled process compiles the whole request path (parser, connection loop, handler) on its
    // first request, ~90 ms of CPU. Such a spare serves one request to itself over loopback first, through a
    // throwaway context (same handler, no logs), so that cost is paid while it waits, not on its client's
    // time. The native skein has nothing to compile: its first request costs what any request costs.
    private static bool NeedsWarmUp => RuntimeFeature.IsDynamicCodeCompiled;

    private void TryWarmUp()
    {
        try
        {
            WarmUp();
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            // Not fatal: the first client then pays the warm-up, as without it.
        }
    }

    private void WarmUp()
    {
        using var quiet = new ServerContext(Server.Options with { AccessLog = null, Verbose = false }, Server.Handler, NullLoggerFactory.Instance, Server.Time);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        client.Send("GET / HTTP/1.1\r\nHost: warm-up\r\nConnection: close\r\n\r\n"u8);
        // One thread is enough: the request is already queued and the answer fits the loopback buffers.
        quiet.ServeBlocking(listener.Accept());
        var sink = new byte[16 * 1024];
        while (client.Receive(sink) > 0)
        {
        }
    }

    // The channel's reader while the worker serves: Stop → graceful shutdown; end-of-file → the master is gone
    // (or this process is closing the channel on its way out, which `exiting` tells apart).
    private ExitSignal WatchMaster()
    {
        var exiting = new ExitSignal();
        var server = Server;
        var channel = _channel;
        var watcher = new Thread(() =>
        {
            while (channel.TryReceive(out var message, out var fd))
            {
                fd?.Dispose();
                if (message.Kind == WorkerMessageKind.Stop)
                {
                    ProcessLog.StopRequested(server.Log, Environment.ProcessId, "the master asked");
                    server.Shutdown.RequestStop("the master asked");
                }
                else if (message.Kind == WorkerMessageKind.ReopenLogs)
                {
                    ReopenLogs(server);
                }
            }
            if (!exiting.IsSet)
            {
                OnMasterGone(exiting);
            }
        })
        { IsBackground = true, Name = "master-channel" };
        watcher.Start();
        return exiting;
    }

    // An orphan stops as gracefully as it can within OrphanGrace, then exits regardless: nobody supervises it
    // any more, and a client is better served by a closed connection it can retry than by a process nobody
    // will ever stop. The watchdog is not synchronization: a background thread never keeps the process alive,
    // and it ends the process if the shutdown has not done so in time.
    private void OnMasterGone(ExitSignal exiting)
    {
        var server = Server;
        ProcessLog.MasterGone(server.Log, Environment.ProcessId);
        var grace = server.Options.ShutdownTimeout < OrphanGrace ? server.Options.ShutdownTimeout : OrphanGrace;
        var watchdog = new Thread(() =>
        {
            if (!exiting.Wait(grace + TimeSpan.FromSeconds(1)))
            {
                Environment.Exit(1);
            }
        })
        { IsBackground = true, Name = "orphan-watchdog" };
        watchdog.Start(); // armed before the stop is asked for, so a stop that blocks cannot keep the orphan alive
        server.Shutdown.RequestStop("the master is gone");
    }

    // Set when the worker is on its way out, so the channel closing is not taken for the master's death.
    private sealed class ExitSignal : IDisposable
    {
        private readonly ManualResetEventSlim _set = new();

        public bool IsSet => _set.IsSet;

        public bool Wait(TimeSpan timeout) => _set.Wait(timeout);

        public void Dispose() => _set.Set(); // never disposed for real: the watcher may still be waiting on it
    }

    // The terminal sends Ctrl-C (SIGINT) to the whole process group, workers included: the master leads that
    // shutdown, so a worker ignores it. SIGTERM sent to the worker itself stops it gracefully (the master,
    // if running, then starts a replacement).
    private static PosixSignalRegistration[] HandleSignals(ServerContext server) =>
    [
        PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true),
        PosixSignalRegistration.Create(PosixSignal.SIGQUIT, context => context.Cancel = true),
        PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            server.Shutdown.RequestStop("SIGTERM");
        }),
    ];
}
