// Preflight: one connection to the target before a tool starts its run, as wrk does ("unable to connect"):
// a server that is not there is reported at once, in one line, instead of after a whole run of failed
// connects. It opens and closes one connection and sends nothing.
using System.Net;
using System.Net.Sockets;
using Skein.Bench.Load;

namespace Skein.Bench;

/// <summary>Checks that a target accepts connections.</summary>
public static class Preflight
{
    /// <summary>Null if <paramref name="url"/>'s host and port accept a TCP connection within
    /// <paramref name="timeout"/>; otherwise why not, in one line.</summary>
    public static async Task<string?> ConnectProblemAsync(Uri url, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(url);
        IPEndPoint endpoint;
        try
        {
            endpoint = new IPEndPoint(LoadGenerator.Resolve(url), url.Port);
        }
        catch (SocketException e)
        {
            return $"cannot resolve {url.Host}: {e.Message}";
        }
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(endpoint, deadline.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException)
        {
            return $"cannot connect to {endpoint}: no answer within {timeout.TotalSeconds:0.###} s";
        }
        catch (SocketException e)
        {
            return $"cannot connect to {endpoint}: {e.Message}";
        }
    }
}
