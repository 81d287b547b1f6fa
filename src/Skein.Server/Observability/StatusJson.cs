// Source-generated JSON metadata for the status report: no reflection, so the AOT build stays clean.
using System.Text.Json.Serialization;

namespace Skein.Server.Observability;

/// <summary>JSON metadata for <see cref="StatusReport"/> (camelCase).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(StatusReport))]
internal sealed partial class StatusJson : JsonSerializerContext;
