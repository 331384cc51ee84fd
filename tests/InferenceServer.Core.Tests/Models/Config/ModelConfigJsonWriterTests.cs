using System.Buffers;
using System.Text;
using System.Text.Json;
using Inference;
using InferenceServer.Core.Models.Config;

namespace InferenceServer.Core.Tests.Models.Config;

/// <summary>
/// The expected strings here are written by hand from the canonical-form rules (proto field names in
/// declaration order, defaults printed, empty repeated/map fields printed, enums by name, 64-bit integers as
/// numbers, unset sub-messages and oneof members omitted), not captured from the writer.
/// </summary>
public class ModelConfigJsonWriterTests
{
    private const string KnownConfig = """
        name: "simple"
        platform: "onnxruntime_onnx"
        max_batch_size: 8
        version_policy { latest { num_versions: 2 } }
        input { name: "INPUT0" data_type: TYPE_INT32 dims: [ 16 ] }
        output { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ -1, 4 ] reshape { shape: [ 4 ] } }
        instance_group { kind: KIND_CPU count: 2 }
        dynamic_batching {
          max_queue_delay_microseconds: 9007199254740993  # above 2^53: must stay an exact JSON number
          priority_queue_policy { key: 10 value { max_queue_size: 3 } }
          priority_queue_policy { key: 2 value { timeout_action: DELAY } }
        }
        parameters { key: "b" value { string_value: "2" } }
        parameters { key: "a" value { string_value: "1" } }
        model_warmup { name: "w" batch_size: 1 inputs { key: "INPUT0" value { data_type: TYPE_INT32 dims: 16 random_data: true } } }
        """;

    private const string KnownConfigJson =
        "{\"name\":\"simple\",\"platform\":\"onnxruntime_onnx\",\"backend\":\"\",\"runtime\":\"\","
        + "\"version_policy\":{\"latest\":{\"num_versions\":2}},"
        + "\"max_batch_size\":8,"
        + "\"input\":[{\"name\":\"INPUT0\",\"data_type\":\"TYPE_INT32\",\"format\":\"FORMAT_NONE\",\"dims\":[16],"
        + "\"is_shape_tensor\":false,\"allow_ragged_batch\":false,\"optional\":false,\"is_non_linear_format_io\":false}],"
        + "\"output\":[{\"name\":\"OUTPUT0\",\"data_type\":\"TYPE_FP32\",\"dims\":[-1,4],\"reshape\":{\"shape\":[4]},"
        + "\"label_filename\":\"\",\"is_shape_tensor\":false,\"is_non_linear_format_io\":false}],"
        + "\"batch_input\":[],\"batch_output\":[],"
        + "\"dynamic_batching\":{\"preferred_batch_size\":[],\"max_queue_delay_microseconds\":9007199254740993,"
        + "\"preserve_ordering\":false,\"priority_levels\":0,\"default_priority_level\":0,"
        + "\"priority_queue_policy\":{"
        + "\"2\":{\"timeout_action\":\"DELAY\",\"default_timeout_microseconds\":0,\"allow_timeout_override\":false,\"max_queue_size\":0},"
        + "\"10\":{\"timeout_action\":\"REJECT\",\"default_timeout_microseconds\":0,\"allow_timeout_override\":false,\"max_queue_size\":3}}},"
        + "\"instance_group\":[{\"name\":\"\",\"kind\":\"KIND_CPU\",\"count\":2,\"gpus\":[],\"secondary_devices\":[],\"profile\":[],"
        + "\"passive\":false,\"host_policy\":\"\"}],"
        + "\"default_model_filename\":\"\",\"cc_model_filenames\":{},\"metric_tags\":{},"
        + "\"parameters\":{\"a\":{\"string_value\":\"1\"},\"b\":{\"string_value\":\"2\"}},"
        + "\"model_warmup\":[{\"name\":\"w\",\"batch_size\":1,"
        + "\"inputs\":{\"INPUT0\":{\"data_type\":\"TYPE_INT32\",\"dims\":[16],\"random_data\":true}},\"count\":0}]}";

    [Fact]
    public void ToJsonString_KnownConfig_MatchesCanonicalForm()
    {
        var config = ProtoTextParser.ParseModelConfig(KnownConfig, "config.pbtxt");

        Assert.Equal(KnownConfigJson, ModelConfigJsonWriter.ToJsonString(config));
    }

    [Fact]
    public void ToJsonString_EmptyConfig_PrintsEveryFieldWithoutPresence()
    {
        const string expected =
            "{\"name\":\"\",\"platform\":\"\",\"backend\":\"\",\"runtime\":\"\",\"max_batch_size\":0,"
            + "\"input\":[],\"output\":[],\"batch_input\":[],\"batch_output\":[],\"instance_group\":[],"
            + "\"default_model_filename\":\"\",\"cc_model_filenames\":{},\"metric_tags\":{},\"parameters\":{},\"model_warmup\":[]}";

        Assert.Equal(expected, ModelConfigJsonWriter.ToJsonString(new ModelConfig()));
    }

    [Fact]
    public void ToJsonString_EmptySubMessage_IsPrintedWithItsDefaults()
    {
        var config = new ModelConfig
        {
            VersionPolicy = new ModelVersionPolicy { All = new ModelVersionPolicy.Types.All() },
            ResponseCache = new ModelResponseCache(),
        };

        var json = ModelConfigJsonWriter.ToJsonString(config);

        Assert.Contains("\"version_policy\":{\"all\":{}},", json, StringComparison.Ordinal);
        Assert.EndsWith(",\"model_warmup\":[],\"response_cache\":{\"enable\":false}}", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"dynamic_batching\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJsonString_FloatingPointValues_UseShortestFormAndStringsForNonFinite()
    {
        var metrics = ProtoTextParser.ParseModelConfig(
            "model_metrics { metric_control { metric_identifier { family: \"lat\" } histogram_options { buckets: [ 0.1, 1, 1e20, -2.5, inf, -inf, nan ] } } }",
            "config.pbtxt").ModelMetrics;
        var control = new ModelSequenceBatching.Types.Control { Fp32FalseTrue = { 0.1f, 1f, 1e20f } };

        Assert.Equal(
            "{\"metric_control\":[{\"metric_identifier\":{\"family\":\"lat\"},"
            + "\"histogram_options\":{\"buckets\":[0.1,1,1e+20,-2.5,\"Infinity\",\"-Infinity\",\"NaN\"]}}]}",
            ModelConfigJsonWriter.ToJsonString(metrics));
        Assert.Equal(
            "{\"kind\":\"CONTROL_SEQUENCE_START\",\"int32_false_true\":[],\"fp32_false_true\":[0.1,1,1e+20],\"bool_false_true\":[],\"data_type\":\"TYPE_INVALID\"}",
            ModelConfigJsonWriter.ToJsonString(control));
    }

    [Fact]
    public void ToJsonString_ExtremeIntegers_AreExactJsonNumbers()
    {
        var input = new ModelInput { Dims = { long.MinValue, long.MaxValue } };
        var batching = new ModelDynamicBatching { MaxQueueDelayMicroseconds = ulong.MaxValue };

        Assert.Contains("\"dims\":[-9223372036854775808,9223372036854775807]", ModelConfigJsonWriter.ToJsonString(input), StringComparison.Ordinal);
        Assert.Contains("\"max_queue_delay_microseconds\":18446744073709551615", ModelConfigJsonWriter.ToJsonString(batching), StringComparison.Ordinal);
    }

    [Fact]
    public void ToJsonString_UnknownEnumNumber_IsPrintedAsNumber()
    {
        var input = new ModelInput { DataType = (DataType)99 };

        Assert.Contains("\"data_type\":99,", ModelConfigJsonWriter.ToJsonString(input), StringComparison.Ordinal);
    }

    [Fact]
    public void ToJsonString_NonAsciiAndSpecialCharacters_AreUtf8WithMinimalEscaping()
    {
        var config = new ModelConfig { Name = "modèle<1>&\"q\"\\\n" };

        Assert.StartsWith("{\"name\":\"modèle<1>&\\\"q\\\"\\\\\\n\",", ModelConfigJsonWriter.ToJsonString(config), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_BufferWriter_ProducesSameBytesAsString()
    {
        var config = ProtoTextParser.ParseModelConfig(KnownConfig, "config.pbtxt");
        var buffer = new ArrayBufferWriter<byte>();

        ModelConfigJsonWriter.Write(buffer, config);

        Assert.Equal(KnownConfigJson, Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal(buffer.WrittenSpan.ToArray(), ModelConfigJsonWriter.ToUtf8Bytes(config));
    }

    [Fact]
    public void Write_Utf8JsonWriter_WritesValueInsideCallersDocument()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("config");
            ModelConfigJsonWriter.Write(writer, new ModelResponseCache { Enable = true });
            writer.WriteEndObject();
        }

        Assert.Equal("{\"config\":{\"enable\":true}}", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void ToJsonString_Indented_IsSameDocument()
    {
        var config = ProtoTextParser.ParseModelConfig(KnownConfig, "config.pbtxt");

        var indented = ModelConfigJsonWriter.ToJsonString(config, indented: true);

        Assert.StartsWith("{\n  \"name\": \"simple\",\n", indented.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(KnownConfigJson, ModelConfigJsonWriter.ToJsonString(ModelConfigJsonReader.ReadModelConfig(indented, "indented")));
    }
}
