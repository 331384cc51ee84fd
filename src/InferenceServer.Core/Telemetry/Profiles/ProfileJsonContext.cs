using System.Text.Json.Serialization;

namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>Source-generated JSON for reference files (no reflection, native-AOT safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = false)]
[JsonSerializable(typeof(ReferenceProfileFile))]
internal sealed partial class ProfileJsonContext : JsonSerializerContext;
