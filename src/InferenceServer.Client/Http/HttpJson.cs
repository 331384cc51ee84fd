using System.Text.Json.Serialization;

namespace InferenceServer.Client.Http;

// The KServe v2 / Triton HTTP bodies the control calls read and write. Unknown members are ignored, so a server
// that says more (Triton's memory_usage, this server's latency fields) reads the same.

internal sealed class ErrorJson
{
    public string? Error { get; set; }
}

internal sealed class ServerMetadataJson
{
    public string Name { get; set; } = "";

    public string Version { get; set; } = "";

    public List<string> Extensions { get; set; } = [];
}

internal sealed class ModelMetadataJson
{
    public string Name { get; set; } = "";

    public List<string> Versions { get; set; } = [];

    public string Platform { get; set; } = "";

    public List<TensorMetadataJson> Inputs { get; set; } = [];

    public List<TensorMetadataJson> Outputs { get; set; } = [];
}

internal sealed class TensorMetadataJson
{
    public string Name { get; set; } = "";

    public string Datatype { get; set; } = "";

    public List<long> Shape { get; set; } = [];
}

internal sealed class ModelConfigJson
{
    public string Name { get; set; } = "";

    public string Platform { get; set; } = "";

    public string Backend { get; set; } = "";

    public int MaxBatchSize { get; set; }

    public List<ConfigTensorJson> Input { get; set; } = [];

    public List<ConfigTensorJson> Output { get; set; } = [];
}

internal sealed class ConfigTensorJson
{
    public string Name { get; set; } = "";

    public string DataType { get; set; } = "";

    public List<long> Dims { get; set; } = [];
}

internal sealed class StatisticsJson
{
    public List<ModelStatisticsJson> ModelStats { get; set; } = [];
}

internal sealed class ModelStatisticsJson
{
    public string Name { get; set; } = "";

    public string Version { get; set; } = "";

    public long LastInference { get; set; }

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

    public DurationJson CacheHit { get; set; } = new();

    public DurationJson CacheMiss { get; set; } = new();
}

internal sealed class DurationJson
{
    public long Count { get; set; }

    public long Ns { get; set; }
}

internal sealed class RepositoryModelJson
{
    public string Name { get; set; } = "";

    public string Version { get; set; } = "";

    public string State { get; set; } = "";

    public string Reason { get; set; } = "";
}

internal sealed class RepositoryIndexRequestJson
{
    public bool Ready { get; set; }
}

/// <summary>Source-generated (de)serialization: no reflection, so applications publish native AOT.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(ErrorJson))]
[JsonSerializable(typeof(ServerMetadataJson))]
[JsonSerializable(typeof(ModelMetadataJson))]
[JsonSerializable(typeof(ModelConfigJson))]
[JsonSerializable(typeof(StatisticsJson))]
[JsonSerializable(typeof(List<RepositoryModelJson>))]
[JsonSerializable(typeof(RepositoryIndexRequestJson))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;
