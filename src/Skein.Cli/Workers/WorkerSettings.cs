// The settings a process-model master sends each of its workers, as ONE typed, versioned message: the
// server's options and the site's. The server library carries the bytes without reading them (it does not
// know the site); `skein serve` encodes them and `skein worker` decodes them, field by field from one table
// (WorkerSettings.Fields.cs) into bytes (WorkerSettings.Wire.cs): no reflection, no serializer metadata and
// no JSON reader to set up, which a worker process would pay every time it starts (measured: System.Text.Json's
// source-generated metadata was two fifths of a native worker's own start-up work, its reader's tables a
// twentieth of what was left).
// A property added to ServerOptions, SiteOptions or HttpLimits needs its line in the field tables;
// WorkerSettingsTests fails until it has one. Only what means nothing in another process stays behind
// (ProcessLocal).

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Skein.App;
using Skein.App.Endpoints;
using Skein.Server;

namespace Skein.Cli.Workers;

/// <summary>What a worker process serves and how: exactly the master's options.</summary>
public sealed partial record WorkerSettings(ServerOptions Server, SiteOptions Site)
{
    /// <summary>The version this program writes and accepts. Raise it when the meaning of a field changes
    /// (renamed, retyped, other units); a field added to both sides of one build needs no new version, since a
    /// worker only ever reads settings its own build wrote. 2: bytes in table order (1 was JSON).</summary>
    public const int CurrentVersion = 2;

    /// <summary>Types that only make sense inside one process, so they do not travel: the clock (a worker uses
    /// the system's) and the waiter backplane (each worker builds its own over the shared memory).</summary>
    public static IReadOnlyList<Type> ProcessLocal { get; } = [typeof(TimeProvider), typeof(IWaiterBackplane)];

    /// <summary>The version of the settings; a worker refuses any other than <see cref="CurrentVersion"/>.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>The message bytes: a magic number, the version, then every field's value in table order.</summary>
    public byte[] Encode()
    {
        var writer = new Writer();
        writer.UInt32(Magic);
        writer.Int32(Version);
        WriteObject(writer, Server, ServerFields);
        WriteObject(writer, Site, SiteFields);
        return writer.ToArray();
    }

    /// <summary>Reads settings written by <see cref="Encode"/>; false with the reason when they are not
    /// settings of <see cref="CurrentVersion"/> (a worker program of another build than its master's).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out WorkerSettings? settings, [NotNullWhen(false)] out string? error)
    {
        settings = null;
        try
        {
            var reader = new Reader(bytes);
            if (reader.UInt32() != Magic)
            {
                error = "unreadable settings from the master: not a settings message";
                return false;
            }
            var version = reader.Int32();
            if (version != CurrentVersion)
            {
                error = $"the master sent settings version {version.ToString(CultureInfo.InvariantCulture)}; this worker reads version {CurrentVersion} (master and worker must be the same build)";
                return false;
            }
            var server = ReadObject(ref reader, new ServerOptions(), ServerFields);
            var site = ReadObject(ref reader, new SiteOptions(), SiteFields);
            if (!reader.AtEnd)
            {
                error = "unreadable settings from the master: bytes after the last field";
                return false;
            }
            settings = new WorkerSettings(server, site) { Version = version };
            error = null;
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            error = $"unreadable settings from the master: {e.Message}";
            return false;
        }
    }
}
