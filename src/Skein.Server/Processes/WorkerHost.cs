// The worker process's side of the process models: what `skein worker` does once it has built its own
// ServerContext from the settings its master passed. It takes its socket(s) from the channel, serves
// with the same models and ConnectionLoop as any server, and stops when the master says so or dies.
// It does not parse settings (Skein.Cli does) and starts no processes.

using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;
using Skein.Server.Lifecycle;
using Skein.Server.Models;

namespace Skein.Server.Processes;

/// <summary>
/// Runs one worker process. process-pool: the single model over the shared listening socket; hybrid: the
/// async model with one loop over it; process: serve the one connection handed over, then exit. A thread
/// watches the channel: Stop starts the graceful shutdown; end-of-file means the master is gone (killed,
/// even by SIGKILL, the kernel closes its end), and the worker shuts down too — no orphans.
/// </summary>
public static class WorkerHost
{
    /// <summary>Adjusts the master's options for a worker process: a hybrid worker runs exactly one event
    /// loop (-w counts processes in the master, loops in a worker).</summary>
    public static ServerOptions OptionsForWorker(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Model == ConcurrencyModel.Hybrid ? options with { Workers = 1 } : options;
    }

    /// <summary>The top of a worker process: builds its server with <paramref name="build"/> and serves as
    /// the master asks over <paramref name="channel"/>. Returns the exit code: 0 after a graceful stop, 1 if
    /// anything failed (logged here; the master sees the exit and, for a pool, starts a replacement).</summary>
    public static int Run(Func<SharedSignal, ServerContext> build, WorkerChannel channel, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(channel);
        try
        {
            // The master's first message is the shared page; the application is built around it.
            if (!channel.TryReceive(out var message, out var fd) || message.Kind != WorkerMessageKind.Shared || fd is null)
            {
                fd?.Dispose();
                return message.Kind is WorkerMessageKind.Stop or 0 ? 0 : 1; // 0: stopped or orphaned before it began
            }
            using var shared = SharedSignal.Open(new SafeFileHandle(fd.DangerousGetHandle(), ownsHandle: true));
            fd.SetHandleAsInvalid(); // the descriptor now belongs to the SafeFileHandle
            using var server = build(shared);
            return Run(server, channel);
        }
#pragma warning disable CA1031 // The one catch-all of a worker process: whatever escapes is logged, then the exit code speaks.
        catch (Exception e)
#pragma warning restore CA1031
        {
            ProcessLog.WorkerFailed(log, Environment.ProcessId, e);
            return 1;
        }
    }

    /// <summary>Serves as the master asks over <paramref name="channel"/> (after the shared page); returns the
    /// exit code (0 after a graceful stop, 1 when the master sent something it should not have).</summary>
    public static int Run(ServerContext server, WorkerChannel channel)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(channel);
        using var signals = HandleSignals(server);
        return server.Options.Model switch
        {
            ConcurrencyModel.Process => ServeOneConnection(server, channel),
            ConcurrencyModel.ProcessPool => ServeListener(server, channel, new SingleModel(server)),
            ConcurrencyModel.Hybrid => ServeListener(server, channel, new EventLoopModel(server)),
            var other => throw new ArgumentOutOfRangeException(nameof(server), other, "not a process model"),
        };
    }

    private static int ServeOneConnection(ServerContext server, WorkerChannel channel)
    {
        if (!channel.HasPending)
        {
            TryWarmUp(server); // only while no connection waits for this process
        }
        // Ready before the wait: this process is a spare until the master hands it a connection.
        channel.TrySend(new WorkerMessage(WorkerMessageKind.Ready, Environment.ProcessId));
        if (!channel.TryReceive(out var message, out var fd) || message.Kind == WorkerMessageKind.Stop)
        {
            fd?.Dispose();
            return 0; // stopped, or the master died, while this process was a spare
        }
        if (message.Kind != WorkerMessageKind.Serve || fd is null)
        {
            fd?.Dispose();
            return 1;
        }
        using var exiting = WatchMaster(server, channel);
        // Blocking = true: if the master's accept left the socket non-blocking, .NET emulates blocking calls.
        var socket = new Socket(fd) { Blocking = true };
        server.ServeBlocking(socket);
        return 0;
    }

    // A fresh process compiles the whole request path (parser, connection loop, handler, file cache) on its
    // first request. A spare serves one request to itself over loopback first, through a throwaway context
    // (same handler, no logs), so that cost is paid while it waits instead of on its client's time.
    private static void TryWarmUp(ServerContext server)
    {
        try
        {
            WarmUp(server);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            // Not fatal: the first client then pays the compile time, as without a warm-up.
        }
    }

    private static void WarmUp(ServerContext server)
    {
        using var quiet = new ServerContext(server.Options with { AccessLog = null, Verbose = false }, server.Handler, NullLoggerFactory.Instance, server.Time);
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

    private static int ServeListener(ServerContext server, WorkerChannel channel, IConcurrencyModel model)
    {
        if (!channel.HasPending)
        {
            TryWarmUp(server); // a standby: it waits for the listening socket until a worker dies
        }
        if (!channel.TryReceive(out var message, out var fd) || message.Kind == WorkerMessageKind.Stop)
        {
            fd?.Dispose();
            return 0;
        }
        if (message.Kind != WorkerMessageKind.Listen || fd is null)
        {
            fd?.Dispose();
            return 1;
        }
        using var listener = Listener.FromShared(SharedListeningSocket.Prepare(fd), server.Log);
        server.Shutdown.OnStopAccepting(listener.Stop);
        channel.TrySend(new WorkerMessage(WorkerMessageKind.Ready, Environment.ProcessId));
        using var exiting = WatchMaster(server, channel);
        model.Run(listener, server.Shutdown.Stopping);
        server.Shutdown.RequestStop("the listener stopped");
        server.Shutdown.WaitForConnections();
        model.Join(TimeSpan.FromSeconds(5));
        (model as IDisposable)?.Dispose();
        return 0;
    }

    // The channel's reader: Stop → graceful shutdown; end-of-file → the master is gone (or this process is
    // closing the channel on its way out, which `exiting` tells apart). An orphan stops as gracefully as it
    // can within OrphanGrace, then exits regardless: nobody supervises it any more, and a client is better
    // served by a closed connection it can retry than by a process nobody will ever stop.
    private static ExitSignal WatchMaster(ServerContext server, WorkerChannel channel)
    {
        var exiting = new ExitSignal();
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
            }
            if (exiting.IsSet)
            {
                return;
            }
            ProcessLog.MasterGone(server.Log, Environment.ProcessId);
            server.Shutdown.RequestStop("the master is gone");
            // A watchdog, not synchronization: this background thread never keeps the process alive, and it
            // ends the process if the shutdown has not done so in time.
            var grace = server.Options.ShutdownTimeout < OrphanGrace ? server.Options.ShutdownTimeout : OrphanGrace;
            if (!exiting.Wait(grace + TimeSpan.FromSeconds(1)))
            {
                Environment.Exit(1);
            }
        })
        { IsBackground = true, Name = "master-channel" };
        watcher.Start();
        return exiting;
    }

    /// <summary>How long a worker whose master died lets its in-flight requests run before it exits: 2 s.
    /// Short on purpose (the shutdown timeout is for a supervised, orderly stop): an orphan must not linger.</summary>
    public static readonly TimeSpan OrphanGrace = TimeSpan.FromSeconds(2);

    // Set when the worker is on its way out, so the channel closing is not taken for the master's death.
    private sealed class ExitSignal : IDisposable
    {
        private readonly ManualResetEventSlim _set = new();

        public bool IsSet => _set.IsSet;

        public void Set() => _set.Set();

        public bool Wait(TimeSpan timeout) => _set.Wait(timeout);

        public void Dispose() => _set.Set(); // never disposed for real: the watcher may still be waiting on it
    }

    // The terminal sends Ctrl-C (SIGINT) to the whole process group, workers included: the master leads that
    // shutdown, so a worker ignores it. SIGTERM sent to the worker itself stops it gracefully (the master,
    // if running, then starts a replacement).
    private static Registrations HandleSignals(ServerContext server) => new(
    [
        PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true),
        PosixSignalRegistration.Create(PosixSignal.SIGQUIT, context => context.Cancel = true),
        PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            server.Shutdown.RequestStop("SIGTERM");
        }),
    ]);

    private sealed class Registrations(PosixSignalRegistration[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items)
            {
                item.Dispose();
            }
        }
    }
}
