using System.Text.Json;
using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Config;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Protocols.Http;

/// <summary>The JSON bodies of the metadata, config, statistics and repository endpoints (brief §2.5–2.16).</summary>
internal static class MetadataJson
{
    public static void WriteServerMetadata(Utf8JsonWriter writer, ServerContextOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("name"u8, options.ServerName);
        writer.WriteString("version"u8, options.ServerVersion);
        writer.WriteStartArray("extensions"u8);
        foreach (var extension in ServerContext.Extensions)
        {
            writer.WriteStringValue(extension);
        }

        writer.WriteEndArray();
        if (options.Gpus.Count > 0)
        {
            writer.WriteStartArray("gpus"u8);
            foreach (var gpu in options.Gpus)
            {
                writer.WriteStringValue(gpu);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <param name="versions">The version asked for, or every ready version.</param>
    public static void WriteModelMetadata(Utf8JsonWriter writer, ModelVersion model, IEnumerable<ModelVersion> versions)
    {
        writer.WriteStartObject();
        writer.WriteString("name"u8, model.Name);
        writer.WriteStartArray("versions"u8);
        foreach (var version in versions)
        {
            writer.WriteStringValue(version.VersionString);
        }

        writer.WriteEndArray();
        writer.WriteString("platform"u8, model.Platform);
        WriteTensors(writer, "inputs"u8, model.Signature, model.Signature.Inputs);
        WriteTensors(writer, "outputs"u8, model.Signature, model.Signature.Outputs);
        writer.WriteEndObject();
    }

    private static void WriteTensors(Utf8JsonWriter writer, ReadOnlySpan<byte> property, ModelSignature signature, IReadOnlyList<TensorSpec> specs)
    {
        writer.WriteStartArray(property);
        foreach (var spec in specs)
        {
            writer.WriteStartObject();
            writer.WriteString("name"u8, spec.Name);
            writer.WriteString("datatype"u8, spec.DataType.ToProtocolUtf8());
            writer.WritePropertyName("shape"u8);
            InferResponseWriter.WriteShape(writer, signature.PublicShape(spec));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    public static void WriteConfig(Utf8JsonWriter writer, ModelVersion model) => ModelConfigJsonWriter.Write(writer, model.Config);

    public static void WriteStatistics(Utf8JsonWriter writer, IEnumerable<ModelVersion> versions)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("model_stats"u8);
        foreach (var version in versions)
        {
            var stats = version.Statistics;
            writer.WriteStartObject();
            writer.WriteString("name"u8, version.Name);
            writer.WriteString("version"u8, version.VersionString);
            writer.WriteNumber("last_inference"u8, stats.LastInferenceMilliseconds);
            writer.WriteNumber("inference_count"u8, stats.InferenceCount);
            writer.WriteNumber("execution_count"u8, stats.ExecutionCount);
            writer.WriteStartObject("inference_stats"u8);
            WriteDuration(writer, "success"u8, stats.Success);
            WriteDuration(writer, "fail"u8, stats.Fail);
            WriteDuration(writer, "queue"u8, stats.Queue);
            WriteDuration(writer, "compute_input"u8, stats.ComputeInput);
            WriteDuration(writer, "compute_infer"u8, stats.ComputeInfer);
            WriteDuration(writer, "compute_output"u8, stats.ComputeOutput);
            WriteDuration(writer, "cache_hit"u8, stats.CacheHit);
            WriteDuration(writer, "cache_miss"u8, stats.CacheMiss);
            writer.WriteEndObject();
            writer.WriteStartArray("batch_stats"u8);
            foreach (var batch in stats.BatchSizes)
            {
                writer.WriteStartObject();
                writer.WriteNumber("batch_size"u8, batch.BatchSize);
                WriteDuration(writer, "compute_input"u8, batch.ComputeInput);
                WriteDuration(writer, "compute_infer"u8, batch.ComputeInfer);
                WriteDuration(writer, "compute_output"u8, batch.ComputeOutput);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("memory_usage"u8);
            foreach (var usage in version.MemoryUsage)
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, usage.Kind);
                writer.WriteNumber("id"u8, usage.DeviceId);
                writer.WriteNumber("byte_size"u8, usage.ByteSize);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (stats.Latency is { } latency)
            {
                TelemetryJson.WriteLatencyQuantiles(writer, latency);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteDuration(Utf8JsonWriter writer, ReadOnlySpan<byte> name, StatisticDuration? duration)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("count"u8, duration?.Count ?? 0);
        writer.WriteNumber("ns"u8, duration?.Nanoseconds ?? 0);
        writer.WriteEndObject();
    }

    /// <summary>The index rows as Triton writes them: a model never loaded has its name only.</summary>
    public static void WriteRepositoryIndex(Utf8JsonWriter writer, IReadOnlyList<RepositoryIndexEntry> rows)
    {
        writer.WriteStartArray();
        foreach (var row in rows)
        {
            writer.WriteStartObject();
            writer.WriteString("name"u8, row.Name);
            if (row.Version is { } version)
            {
                writer.WriteString("version"u8, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (row.State is { } state)
            {
                writer.WriteString("state"u8, state.ToProtocolString());
            }

            if (row.Reason.Length > 0)
            {
                writer.WriteString("reason"u8, row.Reason);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
