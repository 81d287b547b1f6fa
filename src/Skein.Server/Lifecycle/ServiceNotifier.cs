// systemd's readiness protocol, sd_notify(3): one datagram per state change to the AF_UNIX socket named by
// NOTIFY_SOCKET, with lines such as READY=1 or STOPPING=1. Without NOTIFY_SOCKET (not started by systemd as
// Type=notify) every call does nothing. It only sends; when to send is the host's (ServerHost, Reloader).
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Skein.Server.Lifecycle;

/// <summary>Tells the service manager what the server is doing (sd_notify).</summary>
public sealed class ServiceNotifier : IDisposable
{
    /// <summary>The environment variable systemd sets for a Type=notify service.</summary>
    public const string SocketVariable = "NOTIFY_SOCKET";

    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _target;

    private ServiceNotifier(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return;
        }
        // "@name" is a socket in the abstract namespace (sd_notify's convention): a leading NUL byte.
        _target = new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path[1..] : path);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    }

    /// <summary>True when there is a service manager to tell.</summary>
    public bool IsEnabled => _socket is not null;

    /// <summary>Takes NOTIFY_SOCKET from the environment and removes it, so worker processes (which inherit the
    /// environment) never speak for the service: only the main process does (systemd's NotifyAccess=main).</summary>
    public static ServiceNotifier FromEnvironment()
    {
        var path = Environment.GetEnvironmentVariable(SocketVariable);
        Environment.SetEnvironmentVariable(SocketVariable, null);
        return new ServiceNotifier(path);
    }

    /// <summary>READY=1: serving (after start-up, and after a reload). <paramref name="status"/> is shown by
    /// <c>systemctl status</c>.</summary>
    public void Ready(string status) => Send($"READY=1\nSTATUS={status}\n");

    /// <summary>RELOADING=1 with the time the reload began (CLOCK_MONOTONIC in microseconds, as systemd's
    /// Type=notify-reload requires); READY=1 follows when it is done.</summary>
    public void Reloading()
    {
        // On Linux, Stopwatch reads CLOCK_MONOTONIC (nanoseconds), the clock MONOTONIC_USEC is measured on.
        var microseconds = (long)(Stopwatch.GetTimestamp() * (1_000_000.0 / Stopwatch.Frequency));
        Send(string.Create(CultureInfo.InvariantCulture, $"RELOADING=1\nMONOTONIC_USEC={microseconds}\nSTATUS=reloading\n"));
    }

    /// <summary>STOPPING=1: the graceful shutdown began.</summary>
    public void Stopping() => Send("STOPPING=1\nSTATUS=stopping: finishing in-flight requests\n");

    /// <summary>STATUS=...: a line for <c>systemctl status</c>.</summary>
    public void Status(string status) => Send($"STATUS={status}\n");

    /// <summary>Closes the socket.</summary>
    public void Dispose() => _socket?.Dispose();

    private void Send(string message)
    {
        if (_socket is null)
        {
            return;
        }
        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(message), _target!);
        }
        catch (SocketException)
        {
            // The manager went away or never listened: notifications are advisory, serving goes on.
        }
        catch (ObjectDisposedException)
        {
            // Disposed during shutdown.
        }
    }
}
