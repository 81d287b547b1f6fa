// The settings a process-model master sends each of its workers, as ONE typed, versioned message: the
// server's options and the site's, encoded as JSON by a source-generated serializer (no reflection, so it
// stays trim- and AOT-safe). The server library carries the bytes without reading them (it does not know
// the site); `skein serve` encodes them and `skein worker` decodes them. Every property of ServerOptions and
// SiteOptions travels, new ones included, except what only makes sense inside one process (ProcessLocal:
// written as null, read back as the worker's own default, by the converters in WorkerSettingsJson).

using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Skein.App;
using Skein.App.Endpoints;
using Skein.Server;

namespace Skein.Cli.Workers;

/// <summary>What a worker process serves and how: exactly the master's options.</summary>
public sealed record WorkerSettings(ServerOptions Server, SiteOptions Site)
{
    /// <summary>The version this program writes and accepts. Raise it when a change would make an older
    /// worker misread newer settings (a renamed or retyped property); added properties need no new version.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Types that only make sense inside one process, so they do not travel: the clock (a worker uses
    /// the system's) and the waiter backplane (each worker builds its own over the shared memory).</summary>
    public static IReadOnlyList<Type> ProcessLocal { get; } = [typeof(TimeProvider), typeof(IWaiterBackplane)];

    /// <summary>The version of the settings; a worker refuses any other than <see cref="CurrentVersion"/>.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>The message bytes (UTF-8 JSON).</summary>
    public byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(this, WorkerSettingsJson.Default.WorkerSettings);

    /// <summary>Reads settings written by <see cref="Encode"/>; false with the reason when they are not
    /// settings of <see cref="CurrentVersion"/> (a worker program of another build than its master's).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out WorkerSettings? settings, [NotNullWhen(false)] out string? error)
    {
        settings = null;
        try
        {
            settings = JsonSerializer.Deserialize(bytes, WorkerSettingsJson.Default.WorkerSettings);
        }
        catch (JsonException e)
        {
            error = $"unreadable settings from the master: {e.Message}";
            return false;
        }
        if (settings is null || settings.Version != CurrentVersion)
        {
            error = $"the master sent settings version {settings?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}; this worker reads version {CurrentVersion} (master and worker must be the same build)";
            settings = null;
            return false;
        }
        error = null;
        return true;
    }
}
