// The master↔worker channel protocol: the few messages that travel over a worker's UnixFdChannel and
// their 9-byte encoding. It does not send or receive (WorkerChannel does) nor act on them (the models do).

using System.Buffers.Binary;

namespace Skein.Server.Processes;

/// <summary>What a channel message asks for.</summary>
public enum WorkerMessageKind : byte
{
    /// <summary>Worker → master: started and ready to serve; <see cref="WorkerMessage.Value"/> is its pid.</summary>
    Ready = 1,

    /// <summary>Master → worker, with the listening socket attached: accept from it until told to stop
    /// (process-pool and hybrid). Sent once, right after the worker is started.</summary>
    Listen = 2,

    /// <summary>Master → worker, with one accepted socket attached: serve this connection, then exit
    /// (process per connection). <see cref="WorkerMessage.Value"/> is the master's connection id.</summary>
    Serve = 3,

    /// <summary>Master → worker: shut down gracefully (stop accepting, finish in-flight requests, exit 0).</summary>
    Stop = 4,

    /// <summary>Master → worker, with the <see cref="SharedSignal"/> page attached: the state all processes
    /// share. Always the first message a worker receives.</summary>
    Shared = 5,
}

/// <summary>One message on a worker's channel: a kind and one number (a pid or a connection id).</summary>
public readonly record struct WorkerMessage(WorkerMessageKind Kind, long Value = 0)
{
    /// <summary>Encoded size: one byte of kind, eight bytes of value (little-endian).</summary>
    public const int EncodedBytes = 9;

    /// <summary>Writes the message into <paramref name="destination"/> (at least <see cref="EncodedBytes"/> long).</summary>
    public void Encode(Span<byte> destination)
    {
        destination[0] = (byte)Kind;
        BinaryPrimitives.WriteInt64LittleEndian(destination[1..EncodedBytes], Value);
    }

    /// <summary>Reads a message; false when <paramref name="source"/> is not one (wrong size or unknown kind).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, out WorkerMessage message)
    {
        message = default;
        if (source.Length != EncodedBytes || !Enum.IsDefined((WorkerMessageKind)source[0]))
        {
            return false;
        }
        message = new WorkerMessage((WorkerMessageKind)source[0], BinaryPrimitives.ReadInt64LittleEndian(source[1..]));
        return true;
    }
}
