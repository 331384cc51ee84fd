using System.Text.Json.Serialization;

namespace InferenceServer.LoadTool.Server;

// The parts of the KServe v2 / Triton HTTP responses the tool reads. Unknown members are ignored, so a
// server that says more (Triton's memory_usage, this server's latency_us) reads the same.

internal sealed class ModelMetadataJson
{
    public string Name { get; set; } = "";

    public List<TensorMetadataJson> Inputs { get; set; } = [];
}

internal sealed class TensorMetadataJson
{
    public string Name { get; set; } = "";

    public string Datatype { get; set; } = "";

    public List<long> Shape { get; set; } = [];
}

internal sealed class ModelConfigJson
{
    public int MaxBatchSize { get; set; }
}

internal sealed class StatisticsJson
{
    public List<ModelStatisticsJson> ModelStats { get; set; } = [];
}

internal sealed class ModelStatisticsJson
{
    public string Name { get; set; } = "";

    public string Version { get; set; } = "";

    public long InferenceCount { get; set; }

    public long ExecutionCount { get; set; }

    public InferenceStatisticsJson InferenceStats { get; set; } = new();
}

internal sealed class InferenceStatisticsJson
{
    public DurationJson Success { get; set; } = new();

    public DurationJson Fail { get; set; } = new();

    public DurationJson Queue { get; set; } = new();

    public DurationJson ComputeInput { get; set; } = new();

    public DurationJson ComputeInfer { get; set; } = new();

    public DurationJson ComputeOutput { get; set; } = new();
}

internal sealed class DurationJson
{
    public long Count { get; set; }

    public long Ns { get; set; }

    public CountedDuration ToDuration() => new(Count, Ns);
}

/// <summary>Source-generated (de)serialization: no reflection, so the tool publishes native AOT.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(ModelMetadataJson))]
[JsonSerializable(typeof(ModelConfigJson))]
[JsonSerializable(typeof(StatisticsJson))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;
