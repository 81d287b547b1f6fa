// The first message of every worker's channel, both sides: the master sends the worker its settings (bytes
// the host encoded), the shared memory and the worker's slot in it; the worker receives them before it
// builds anything. What the settings mean is the host's business (Skein.Cli decodes them).

using System.Diagnostics.CodeAnalysis;

namespace Skein.Server.Processes;

/// <summary>What a worker process learns first from its master. Owns <see cref="Shared"/>.</summary>
public sealed class WorkerStart : IDisposable
{
    private WorkerStart(ReadOnlyMemory<byte> settings, SharedSignal shared, int slot)
    {
        Settings = settings;
        Shared = shared;
        Slot = slot;
    }

    /// <summary>The settings, as encoded by the host (<see cref="WorkerLaunch.Settings"/>).</summary>
    public ReadOnlyMemory<byte> Settings { get; }

    /// <summary>The memory shared with the master and every other worker.</summary>
    public SharedSignal Shared { get; }

    /// <summary>This worker's slot of <see cref="Shared"/>'s counter.</summary>
    public int Slot { get; }

    /// <summary>Master: sends <paramref name="worker"/> its start message; false if it is already gone
    /// (its exit is then handled as usual).</summary>
    public static bool Send(WorkerProcess worker, ReadOnlyMemory<byte> settings, SharedSignal shared, int slot)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(shared);
        return worker.TrySend(new WorkerMessage(WorkerMessageKind.Start, slot, settings), shared.Handle);
    }

    /// <summary>Worker: waits for the start message. False when the master stopped this worker or died
    /// before sending it (nothing to do but exit).</summary>
    /// <exception cref="InvalidDataException">The first message was something else.</exception>
    public static bool TryReceive(WorkerChannel channel, [NotNullWhen(true)] out WorkerStart? start)
    {
        ArgumentNullException.ThrowIfNull(channel);
        start = null;
        if (!channel.TryReceive(out var message, out var fd) || message.Kind == WorkerMessageKind.Stop)
        {
            fd?.Dispose();
            return false;
        }
        if (message.Kind != WorkerMessageKind.Start || fd is null || message.Value is < 0 or >= SharedSignal.Capacity)
        {
            fd?.Dispose();
            throw new InvalidDataException($"The master's first message was {message.Kind} (value {message.Value}), not {WorkerMessageKind.Start} with the shared memory.");
        }
        start = new WorkerStart(message.Payload, SharedSignal.Open(fd), (int)message.Value);
        return true;
    }

    /// <summary>Closes the shared memory's descriptor (the mapping stays, see <see cref="SharedSignal"/>).</summary>
    public void Dispose() => Shared.Dispose();
}
