// Typed messages over a UnixFdChannel, for both sides (master and worker). It turns "the other end is
// gone" into a false return instead of an exception, since that is an expected event for both sides:
// a worker's death for the master, the master's death for a worker. It does not act on messages.

using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Skein.Server.Processes;

/// <summary>One end of a master↔worker channel, speaking <see cref="WorkerMessage"/>s.</summary>
public sealed class WorkerChannel(UnixFdChannel channel) : IDisposable
{
    private readonly Lock _sendLock = new();

    /// <summary>The underlying descriptor channel.</summary>
    public UnixFdChannel Channel { get; } = channel;

    /// <summary>Sends <paramref name="message"/> with an optional descriptor; false if the other end is gone.</summary>
    public bool TrySend(WorkerMessage message, SafeHandle? fd = null)
    {
        Span<byte> bytes = stackalloc byte[WorkerMessage.EncodedBytes];
        message.Encode(bytes);
        try
        {
            lock (_sendLock)
            {
                Channel.Send(bytes, fd);
            }
            return true;
        }
        catch (IOException)
        {
            return false; // EPIPE/ECONNRESET: the peer process has exited.
        }
        catch (ObjectDisposedException)
        {
            return false; // this end was closed: we are shutting down.
        }
    }

    /// <summary>Blocks for the next message; false at end-of-file (the other process is gone or closed its
    /// end). A descriptor that came along is returned in <paramref name="fd"/>, owned by the caller.</summary>
    /// <exception cref="InvalidDataException">The peer sent something that is not a message.</exception>
    public bool TryReceive(out WorkerMessage message, out SafeSocketHandle? fd)
    {
        Span<byte> buffer = stackalloc byte[WorkerMessage.EncodedBytes + 1]; // one spare byte exposes a too-long message
        int length;
        try
        {
            length = Channel.Receive(buffer, out fd);
        }
        catch (IOException)
        {
            message = default;
            fd = null;
            return false; // ECONNRESET: the same as end-of-file for us.
        }
        catch (ObjectDisposedException)
        {
            message = default;
            fd = null;
            return false;
        }
        if (length == 0)
        {
            message = default;
            return false;
        }
        if (!WorkerMessage.TryDecode(buffer[..length], out message))
        {
            fd?.Dispose();
            throw new InvalidDataException($"Not a worker message: {length} bytes, kind {buffer[0]}.");
        }
        return true;
    }

    /// <summary>True when a message (or the master's end-of-file) is already waiting.</summary>
    public bool HasPending => Channel.HasPending();

    /// <summary>Wakes a thread blocked in <see cref="TryReceive"/> (it returns false).</summary>
    public void Shutdown() => Channel.Shutdown();

    /// <summary>Closes this end: the other side reads end-of-file. Shuts it down first, so a thread blocked
    /// receiving on it returns (a descriptor in use by a blocked call would otherwise stay open).</summary>
    public void Dispose()
    {
        Channel.Shutdown();
        Channel.Dispose();
    }
}
