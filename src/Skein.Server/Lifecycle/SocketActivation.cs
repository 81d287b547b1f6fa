// systemd socket activation, sd_listen_fds(3): systemd (or systemd-socket-activate) binds the listening socket,
// starts the service with it open as descriptor 3, and says so in LISTEN_PID (the service's pid, so a child
// that inherits the environment does not take the sockets for its own) and LISTEN_FDS (how many, from 3).
// The socket then outlives restarts of the service: connections wait in its queue meanwhile. This file only
// takes the descriptor; serving from it is the Listener's.
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Skein.Server.Logging;
using Skein.Server.Processes;

namespace Skein.Server.Lifecycle;

/// <summary>The listening socket systemd passed in, if any.</summary>
public static class SocketActivation
{
    /// <summary>The first passed descriptor (SD_LISTEN_FDS_START).</summary>
    public const int FirstDescriptor = 3;

    /// <summary>The environment variable naming the process the sockets are for.</summary>
    public const string PidVariable = "LISTEN_PID";

    /// <summary>The environment variable with the number of sockets.</summary>
    public const string CountVariable = "LISTEN_FDS";

    /// <summary>
    /// The listening socket passed to this process (descriptor 3), or null when there is none. Removes the
    /// variables from the environment (sd_listen_fds' unset_environment), so worker processes never take the
    /// socket for their own. The socket is shared with systemd, which keeps its copy across restarts, so it is
    /// served like a socket shared with worker processes: stopping closes this process's copy only and never
    /// shuts the socket down (which would stop it for systemd too). Skein serves one socket: any further ones
    /// are closed here with a warning.
    /// </summary>
    /// <exception cref="InvalidOperationException">Descriptor 3 is not a listening TCP socket.</exception>
    public static Listener? TakeListener(ILogger? log)
    {
        var pid = Environment.GetEnvironmentVariable(PidVariable);
        var count = Environment.GetEnvironmentVariable(CountVariable);
        Environment.SetEnvironmentVariable(PidVariable, null);
        Environment.SetEnvironmentVariable(CountVariable, null);
        Environment.SetEnvironmentVariable("LISTEN_FDNAMES", null);
        if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var forPid) || forPid != Environment.ProcessId
            || !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var fds) || fds < 1)
        {
            return null;
        }
        for (var extra = FirstDescriptor + 1; extra < FirstDescriptor + fds; extra++)
        {
            if (log is not null)
            {
                ServerLog.ExtraSocketIgnored(log, extra);
            }
            new SafeSocketHandle(extra, ownsHandle: true).Dispose();
        }
        var handle = new SafeSocketHandle(FirstDescriptor, ownsHandle: true);
        using (var probe = new Socket(new SafeSocketHandle(FirstDescriptor, ownsHandle: false)))
        {
            if (probe.SocketType != SocketType.Stream || probe.ProtocolType != ProtocolType.Tcp
                || probe.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.AcceptConnection) is not 1)
            {
                handle.Dispose();
                throw new InvalidOperationException($"descriptor {FirstDescriptor} from {CountVariable} is not a listening TCP socket");
            }
        }
        return Listener.FromShared(SharedListeningSocket.Prepare(handle), log);
    }
}
