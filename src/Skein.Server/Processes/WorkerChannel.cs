// Typed messages over a UnixFdChannel, for both sides (master and worker). It turns "the other end is
// gone" into a false return instead of an exception, since that is an expected event for both sides:
// a worker's death for the master, the master's death for a worker. It does not act on messages.

using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Skein.Server.Processes;

/// <summary>One end of a master↔worker channel, speaking <see cref="WorkerMessage"/>s.</summary>
public sealed class WorkerChannel(UnixFdChannel channel) : IDisposable
{
    /// <summary>The largest message after Start: a hybrid master's batch of connections (<see cref="HandOutBatch"/>).</summary>
    public const int SmallMessageBytes = HandOutBatch.MaxMessageBytes;

    private readonly Lock _sendLock = new();

    /// <summary>The underlying descriptor channel.</summary>
    public UnixFdChannel Channel { get; } = channel;

    /// <summary>In a worker process: adopts the channel its master passed down, whose descriptor number is
    /// in the environment variable <see cref="WorkerLaunch.ChannelVariable"/> (set by <see cref="WorkerProcess.Start"/>).</summary>
    /// <exception cref="InvalidOperationException">This process was not started by a master.</exception>
    public static WorkerChannel FromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(WorkerLaunch.ChannelVariable);
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var fd))
        {
            throw new InvalidOperationException(
                $"No channel to a master process ({WorkerLaunch.ChannelVariable} is not set): a worker is started by a process model's master.");
        }
        return new WorkerChannel(UnixFdChannel.FromInherited(fd));
    }

    /// <summary>Sends <paramref name="message"/> with an optional descriptor; false if the other end is gone.</summary>
    public bool TrySend(WorkerMessage message, SafeHandle? fd = null)
        => TrySend(message, fd is null ? [] : new ReadOnlySpan<SafeHandle>(in fd));

    /// <summary>Sends <paramref name="message"/> with up to <see cref="UnixFdChannel.MaxDescriptors"/> descriptors,
    /// in order, in one sendmsg(2); false if the other end is gone.</summary>
    public bool TrySend(WorkerMessage message, ReadOnlySpan<SafeHandle> fds)
    {
        var length = message.EncodedBytes;
        var rented = length > SmallMessageBytes ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> bytes = rented ?? stackalloc byte[SmallMessageBytes];
        bytes = bytes[..length];
        message.Encode(bytes);
        try
        {
            lock (_sendLock)
            {
                Channel.Send(bytes, fds);
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
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Blocks for the next message; false at end-of-file (the other process is gone or closed its
    /// end). A descriptor that came along is returned in <paramref name="fd"/>, owned by the caller.</summary>
    /// <exception cref="InvalidDataException">The peer sent something that is not a message.</exception>
    public bool TryReceive(out WorkerMessage message, out SafeFileHandle? fd)
    {
        message = default;
        fd = null;
        try
        {
            // Sized to the message: most are a few bytes; only Start carries the settings.
            var length = Channel.PeekLength();
            if (length == 0)
            {
                return false;
            }
            Span<byte> buffer = length <= 256 ? stackalloc byte[length + 1] : new byte[length + 1]; // +1 exposes a truncation
            length = Channel.Receive(buffer, out fd);
            if (length == 0)
            {
                return false;
            }
            message = Decode(buffer[..length], ref fd);
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return false; // ECONNRESET, or this end closed: the same as end-of-file for us.
        }
    }

    /// <summary>Receives a message already waiting, without blocking: true with it and the descriptors that came
    /// with it (the first <paramref name="count"/> of <paramref name="fds"/>, owned by the caller); false when none
    /// is waiting, or, with <paramref name="closed"/>, at end-of-file. Only for the small messages that follow
    /// Start (a fixed buffer, no peek for the size first: one recvmsg per message): a larger one throws.</summary>
    /// <exception cref="InvalidDataException">The peer sent something that is not a small message.</exception>
    public bool TryReceiveNow(out WorkerMessage message, Span<SafeFileHandle?> fds, out int count, out bool closed)
    {
        message = default;
        count = 0;
        Span<byte> buffer = stackalloc byte[SmallMessageBytes];
        int length;
        try
        {
            length = Channel.ReceiveNow(buffer, fds, out count);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            length = 0; // ECONNRESET, or this end closed: the same as end-of-file for us.
        }
        closed = length == 0;
        if (length <= 0)
        {
            return false;
        }
        if (WorkerMessage.TryDecode(buffer[..length], out message))
        {
            return true;
        }
        for (var i = 0; i < count; i++)
        {
            fds[i]!.Dispose();
            fds[i] = null;
        }
        count = 0;
        throw NotAMessage(buffer[..length]);
    }

    // A received message, or (closing the descriptor that came with it) InvalidDataException if it is none.
    private static WorkerMessage Decode(ReadOnlySpan<byte> received, ref SafeFileHandle? fd)
    {
        if (WorkerMessage.TryDecode(received, out var message))
        {
            return message;
        }
        fd?.Dispose();
        fd = null;
        throw NotAMessage(received);
    }

    private static InvalidDataException NotAMessage(ReadOnlySpan<byte> received)
        => new($"Not a worker message: {received.Length} bytes, kind {received[0]}.");

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
