using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferenceServer.Perf.Naive;

/// <summary>System.Text.Json source generation with the web defaults, names in KServe's snake_case (<c>model_name</c>, <c>datatype</c>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(InferRequest))]
[JsonSerializable(typeof(InferResponse))]
internal sealed partial class NaiveJsonContext : JsonSerializerContext;
