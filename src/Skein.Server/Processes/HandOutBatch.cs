// HandOutBatch: the connections a hybrid master accepted in one go (every one pending when it woke, up to
// UnixFdChannel.MaxDescriptors), handed to one worker as one ServeMany message: one sendmsg(2) carrying every
// socket (SCM_RIGHTS) and their clients' addresses, which the worker takes in one recvmsg(2). It holds the
// master's copies until they are sent and reads the addresses back on the worker's side. It does not accept,
// nor choose the worker.

using System.Runtime.InteropServices;
using Skein.Server.Interop;

namespace Skein.Server.Processes;

/// <summary>Accepted sockets on their way to one worker, with their clients' addresses, in accept order.</summary>
public sealed class HandOutBatch : IDisposable
{
    /// <summary>The most connections one message hands out.</summary>
    public const int MaxConnections = UnixFdChannel.MaxDescriptors;

    /// <summary>The largest ServeMany message: its header and, per connection, one byte of address length and
    /// the address (a struct sockaddr_in6 at most).</summary>
    public const int MaxMessageBytes = WorkerMessage.HeaderBytes + (MaxConnections * (1 + UnixSockets.SockAddrBytes));

    private readonly SafeHandle[] _descriptors = new SafeHandle[MaxConnections];
    private readonly byte[] _addresses = new byte[MaxMessageBytes - WorkerMessage.HeaderBytes];
    private readonly int[] _offsets = new int[MaxConnections]; // where each connection's address starts in _addresses
    private int _addressBytes;

    /// <summary>How many connections the batch holds.</summary>
    public int Count { get; private set; }

    /// <summary>True when no more fit in one message.</summary>
    public bool IsFull => Count == MaxConnections;

    /// <summary>The master's copies of the sockets, in order: what the message carries.</summary>
    public ReadOnlySpan<SafeHandle> Descriptors => _descriptors.AsSpan(0, Count);

    /// <summary>The ServeMany message for the sockets held (send it with <see cref="Descriptors"/>).</summary>
    public WorkerMessage Message => new(WorkerMessageKind.ServeMany, Count, _addresses.AsMemory(0, _addressBytes));

    /// <summary>Takes <paramref name="descriptor"/> (this batch closes it) and its client's
    /// <paramref name="address"/> (a struct sockaddr, at most <see cref="UnixSockets.SockAddrBytes"/>).</summary>
    /// <exception cref="InvalidOperationException">The batch is full.</exception>
    public void Add(SafeHandle descriptor, ReadOnlySpan<byte> address)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(address.Length, UnixSockets.SockAddrBytes);
        if (IsFull)
        {
            throw new InvalidOperationException($"A hand-out batch holds at most {MaxConnections} connections.");
        }
        _offsets[Count] = _addressBytes;
        _descriptors[Count++] = descriptor;
        _addresses[_addressBytes++] = (byte)address.Length;
        address.CopyTo(_addresses.AsSpan(_addressBytes));
        _addressBytes += address.Length;
    }

    /// <summary>Moves connections <paramref name="first"/>, <paramref name="first"/> + <paramref name="stride"/>, ...
    /// (their sockets and addresses) into <paramref name="share"/>, in order: one worker's turn of what was accepted.
    /// This batch no longer holds them; <see cref="Clear"/> empties it.</summary>
    public void MoveEvery(int first, int stride, HandOutBatch share)
    {
        ArgumentNullException.ThrowIfNull(share);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        for (var i = first; i < Count; i += stride)
        {
            if (_descriptors[i] is { } descriptor)
            {
                var offset = _offsets[i];
                share.Add(descriptor, _addresses.AsSpan(offset + 1, _addresses[offset]));
                _descriptors[i] = null!;
            }
        }
    }

    /// <summary>Closes the master's copies still held (a worker that received them holds its own) and empties the batch.</summary>
    public void Clear()
    {
        foreach (var descriptor in Descriptors)
        {
            descriptor?.Dispose();
        }
        Array.Clear(_descriptors, 0, Count);
        Count = 0;
        _addressBytes = 0;
    }

    /// <summary>Closes whatever the batch still holds.</summary>
    public void Dispose() => Clear();

    /// <summary>On the worker's side: the next client address of a ServeMany payload, from
    /// <paramref name="offset"/> (advanced past it); false when the payload has no whole address there.</summary>
    public static bool TryReadAddress(ReadOnlySpan<byte> payload, ref int offset, out ReadOnlySpan<byte> address)
    {
        address = default;
        if (offset >= payload.Length || payload[offset] > UnixSockets.SockAddrBytes || offset + 1 + payload[offset] > payload.Length)
        {
            return false;
        }
        address = payload.Slice(offset + 1, payload[offset]);
        offset += 1 + address.Length;
        return true;
    }
}
