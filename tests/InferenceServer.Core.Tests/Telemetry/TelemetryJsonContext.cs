using System.Text.Json.Serialization;
using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Tests.Telemetry;

/// <summary>A source-generated context like the one that exports snapshots, to prove they round-trip without reflection.</summary>
[JsonSerializable(typeof(DDSketchSnapshot))]
[JsonSerializable(typeof(KllSnapshot))]
internal sealed partial class TelemetryJsonContext : JsonSerializerContext
{
}
