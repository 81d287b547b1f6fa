// The source-generated JSON serializer of WorkerSettings: compile-time metadata, no reflection at run time.
// Computed properties (ServerOptions.EffectiveWorkers, BindAddress) are derived again on the far side; the
// process-local ones (WorkerSettings.ProcessLocal) are written as null and read as the worker's own value.
using System.Text.Json;
using System.Text.Json.Serialization;
using Skein.App.Endpoints;

namespace Skein.Cli.Workers;

/// <summary>JSON metadata for <see cref="WorkerSettings"/>.</summary>
[JsonSourceGenerationOptions(IgnoreReadOnlyProperties = true, UseStringEnumConverter = true,
    Converters = [typeof(WorkerSettingsJson.SystemClock), typeof(WorkerSettingsJson.OwnBackplane)])]
[JsonSerializable(typeof(WorkerSettings))]
internal sealed partial class WorkerSettingsJson : JsonSerializerContext
{
    /// <summary>A worker keeps time with the system clock, whatever clock its master was given.</summary>
    internal sealed class SystemClock : JsonConverter<TimeProvider>
    {
        public override bool HandleNull => true;

        public override TimeProvider Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            reader.Skip();
            return System.TimeProvider.System; // qualified: the generated context has a TimeProvider property
        }

        public override void Write(Utf8JsonWriter writer, TimeProvider value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteNullValue();
        }
    }

    /// <summary>A worker builds its own waiter backplane over the shared memory.</summary>
    internal sealed class OwnBackplane : JsonConverter<IWaiterBackplane?>
    {
        public override bool HandleNull => true;

        public override IWaiterBackplane? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            reader.Skip();
            return null;
        }

        public override void Write(Utf8JsonWriter writer, IWaiterBackplane? value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteNullValue();
        }
    }
}
