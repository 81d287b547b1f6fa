// The settings a process-model master sends each of its workers, as ONE typed, versioned message: the
// server's options and the site's. The server library carries the bytes without reading them (it does not
// know the site); `skein serve` encodes them and `skein worker` decodes them. The encoding is JSON written
// and read field by field (WorkerSettings.Fields.cs) with Utf8JsonWriter/Utf8JsonReader: no reflection and
// no serializer metadata to build at start-up, which a worker process pays every time it starts (measured:
// System.Text.Json's source-generated metadata was two fifths of a native worker's own start-up work).
// A property added to ServerOptions, SiteOptions or HttpLimits needs its line in the field tables;
// WorkerSettingsTests fails until it has one. Only what means nothing in another process stays behind
// (ProcessLocal).

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Skein.App;
using Skein.App.Endpoints;
using Skein.Server;

namespace Skein.Cli.Workers;

/// <summary>What a worker process serves and how: exactly the master's options.</summary>
public sealed partial record WorkerSettings(ServerOptions Server, SiteOptions Site)
{
    /// <summary>The version this program writes and accepts. Raise it when the meaning of a field changes
    /// (renamed, retyped, other units); a field added to both sides of one build needs no new version.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Types that only make sense inside one process, so they do not travel: the clock (a worker uses
    /// the system's) and the waiter backplane (each worker builds its own over the shared memory).</summary>
    public static IReadOnlyList<Type> ProcessLocal { get; } = [typeof(TimeProvider), typeof(IWaiterBackplane)];

    /// <summary>The version of the settings; a worker refuses any other than <see cref="CurrentVersion"/>.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>The message bytes: UTF-8 JSON, <c>{"version":1,"server":{...},"site":{...}}</c>.</summary>
    public byte[] Encode()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber(VersionField, Version);
            writer.WritePropertyName(ServerField);
            WriteObject(writer, Server, ServerFields);
            writer.WritePropertyName(SiteField);
            WriteObject(writer, Site, SiteFields);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Reads settings written by <see cref="Encode"/>; false with the reason when they are not
    /// settings of <see cref="CurrentVersion"/> (a worker program of another build than its master's).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out WorkerSettings? settings, [NotNullWhen(false)] out string? error)
    {
        settings = null;
        try
        {
            var reader = new Utf8JsonReader(bytes);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject
                || !reader.Read() || !reader.ValueTextEquals(VersionField) || !reader.Read() || !reader.TryGetInt32(out var version))
            {
                error = "unreadable settings from the master: no version first";
                return false;
            }
            if (version != CurrentVersion)
            {
                error = $"the master sent settings version {version.ToString(CultureInfo.InvariantCulture)}; this worker reads version {CurrentVersion} (master and worker must be the same build)";
                return false;
            }
            ServerOptions server = new();
            SiteOptions site = new();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(ServerField))
                {
                    reader.Read();
                    server = ReadObject(ref reader, server, ServerFields);
                }
                else if (reader.ValueTextEquals(SiteField))
                {
                    reader.Read();
                    site = ReadObject(ref reader, site, SiteFields);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            settings = new WorkerSettings(server, site) { Version = version };
            error = null;
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            error = $"unreadable settings from the master: {e.Message}";
            return false;
        }
    }
}
