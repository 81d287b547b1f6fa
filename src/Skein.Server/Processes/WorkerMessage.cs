// The master↔worker channel protocol: the few messages that travel over a worker's UnixFdChannel and
// their encoding (kind, one number, optional payload). It does not send or receive (WorkerChannel does)
// nor act on them (the process models do).

using System.Buffers.Binary;

namespace Skein.Server.Processes;

/// <summary>What a channel message asks for.</summary>
public enum WorkerMessageKind : byte
{
    /// <summary>Worker → master: started and ready to serve; <see cref="WorkerMessage.Value"/> is its pid.</summary>
    Ready = 1,

    /// <summary>Master → worker, with the listening socket attached: accept from it until told to stop
    /// (process-pool and hybrid). Sent once, when the worker takes a slot.</summary>
    Listen = 2,

    /// <summary>Master → worker, with one accepted socket attached: serve this connection, then exit (process
    /// per connection). <see cref="WorkerMessage.Value"/> is the master's connection id.</summary>
    Serve = 3,

    /// <summary>Master → worker: shut down gracefully (stop accepting, finish in-flight requests, exit 0).</summary>
    Stop = 4,

    /// <summary>Master → worker, always the first message: the worker's settings as the host encoded them
    /// (<see cref="WorkerMessage.Payload"/>, see <see cref="WorkerLaunch.Settings"/>), with the
    /// <see cref="SharedSignal"/> memory attached; <see cref="WorkerMessage.Value"/> is the worker's slot in it.</summary>
    Start = 5,

    /// <summary>Master → worker: reopen the log files by their names (the master got SIGUSR1, after logrotate).</summary>
    ReopenLogs = 6,

    /// <summary>Master → hybrid worker, with the sockets it accepted since its last wait attached, in order (up to
    /// <see cref="UnixFdChannel.MaxDescriptors"/>, non-blocking): serve each. <see cref="WorkerMessage.Value"/> is
    /// how many; the payload is their clients' addresses in the same order, each one byte of length and a struct
    /// sockaddr as accept4 wrote it (<see cref="HandOutBatch"/>).</summary>
    ServeMany = 7,
}

/// <summary>One message on a worker's channel: a kind, one number (a pid, a connection id, a slot) and,
/// for <see cref="WorkerMessageKind.Start"/> and <see cref="WorkerMessageKind.ServeMany"/>, a payload.</summary>
public readonly record struct WorkerMessage(WorkerMessageKind Kind, long Value = 0, ReadOnlyMemory<byte> Payload = default)
{
    /// <summary>Encoded size without payload: one byte of kind, eight bytes of value (little-endian).</summary>
    public const int HeaderBytes = 9;

    /// <summary>The encoded size.</summary>
    public int EncodedBytes => HeaderBytes + Payload.Length;

    /// <summary>Writes the message into <paramref name="destination"/> (at least <see cref="EncodedBytes"/> long).</summary>
    public void Encode(Span<byte> destination)
    {
        destination[0] = (byte)Kind;
        BinaryPrimitives.WriteInt64LittleEndian(destination[1..HeaderBytes], Value);
        Payload.Span.CopyTo(destination[HeaderBytes..]);
    }

    /// <summary>Reads a message (copying any payload); false when <paramref name="source"/> is not one
    /// (too short or an unknown kind).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, out WorkerMessage message)
    {
        message = default;
        // A range check, not Enum.IsDefined: that one reads enum metadata, a cost a native worker pays at start.
        if (source.Length < HeaderBytes || source[0] is < (byte)WorkerMessageKind.Ready or > (byte)WorkerMessageKind.ServeMany)
        {
            return false;
        }
        var payload = source.Length > HeaderBytes ? source[HeaderBytes..].ToArray() : ReadOnlyMemory<byte>.Empty;
        message = new WorkerMessage((WorkerMessageKind)source[0], BinaryPrimitives.ReadInt64LittleEndian(source[1..HeaderBytes]), payload);
        return true;
    }
}
