using System.Text;
using Inference;
using InferenceServer.Core.Models.Config;

namespace InferenceServer.Core.Tests.Models.Config;

public class ModelConfigJsonReaderTests
{
    private static ModelConfig Read(string json)
    {
        Assert.True(ModelConfigJsonReader.TryReadModelConfig(json, "override", out var config, out var error), error?.ToString());
        return config;
    }

    private static ConfigParseError ReadError(string json)
    {
        Assert.False(ModelConfigJsonReader.TryReadModelConfig(json, "override", out var config, out var error));
        Assert.Null(config);
        return error;
    }

    [Fact]
    public void Read_CanonicalForm_ReadsValues()
    {
        var config = Read("""
            {
              "name": "m",
              "max_batch_size": 4,
              "version_policy": { "specific": { "versions": [1, 3] } },
              "input": [{ "name": "x", "data_type": "TYPE_FP32", "dims": [-1, 3], "reshape": { "shape": [] } }],
              "dynamic_batching": { "max_queue_delay_microseconds": 100, "priority_queue_policy": { "1": { "timeout_action": "DELAY" } } },
              "parameters": { "k": { "string_value": "v" } },
              "model_warmup": [{ "name": "w", "inputs": { "x": { "dims": [3], "zero_data": true } } }]
            }
            """);

        Assert.Equal("m", config.Name);
        Assert.Equal(4, config.MaxBatchSize);
        Assert.Equal([1L, 3L], config.VersionPolicy.Specific.Versions);
        Assert.Equal([-1L, 3L], config.Input[0].Dims);
        Assert.Empty(config.Input[0].Reshape.Shape);
        Assert.Equal(100UL, config.DynamicBatching.MaxQueueDelayMicroseconds);
        Assert.Equal(ModelQueuePolicy.Types.TimeoutAction.Delay, config.DynamicBatching.PriorityQueuePolicy[1].TimeoutAction);
        Assert.Equal("v", config.Parameters["k"].StringValue);
        Assert.True(config.ModelWarmup[0].Inputs["x"].ZeroData);
    }

    [Fact]
    public void Read_CamelCaseNamesAndStringNumbers_AreAccepted()
    {
        var config = Read("""
            {
              "maxBatchSize": "8",
              "versionPolicy": { "latest": { "numVersions": "2" } },
              "input": [{ "dataType": 11, "dims": ["-1", 3, "9223372036854775807"], "allowRaggedBatch": true }],
              "dynamicBatching": { "maxQueueDelayMicroseconds": "18446744073709551615", "priorityLevels": 1e1 }
            }
            """);

        Assert.Equal(8, config.MaxBatchSize);
        Assert.Equal(2U, config.VersionPolicy.Latest.NumVersions);
        Assert.Equal(DataType.TypeFp32, config.Input[0].DataType);
        Assert.Equal([-1L, 3L, long.MaxValue], config.Input[0].Dims);
        Assert.True(config.Input[0].AllowRaggedBatch);
        Assert.Equal(ulong.MaxValue, config.DynamicBatching.MaxQueueDelayMicroseconds);
        Assert.Equal(10UL, config.DynamicBatching.PriorityLevels);
    }

    [Fact]
    public void Read_NullMembers_LeaveFieldsUnset()
    {
        var config = Read("""{ "name": null, "version_policy": null, "input": null, "parameters": null, "dynamic_batching": null, "sequence_batching": {} }""");

        Assert.Equal(string.Empty, config.Name);
        Assert.Null(config.VersionPolicy);
        Assert.Empty(config.Input);
        Assert.Empty(config.Parameters);
        Assert.Equal(ModelConfig.SchedulingChoiceOneofCase.SequenceBatching, config.SchedulingChoiceCase);
    }

    [Fact]
    public void Read_FloatingPointSpellings_ReadsNumbersAndSpecialStrings()
    {
        var config = Read("""
            { "model_metrics": { "metric_control": [{ "histogram_options": { "buckets": [0.5, 2, "1e300", "NaN", "Infinity", "-Infinity"] } }] },
              "sequence_batching": { "direct": { "minimum_slot_utilization": "0.25" } } }
            """);

        var buckets = config.ModelMetrics.MetricControl[0].HistogramOptions.Buckets;
        Assert.Equal([0.5, 2.0, 1e300], buckets.Take(3));
        Assert.True(double.IsNaN(buckets[3]));
        Assert.Equal([double.PositiveInfinity, double.NegativeInfinity], buckets.Skip(4));
        Assert.Equal(0.25f, config.SequenceBatching.Direct.MinimumSlotUtilization);
    }

    [Fact]
    public void Read_Utf8Bytes_ReadsSameAsString()
    {
        var config = ModelConfigJsonReader.ReadModelConfig("{\"name\":\"modèle\"}"u8, "override");

        Assert.Equal("modèle", config.Name);
    }

    [Fact]
    public void Read_LeadingByteOrderMark_IsIgnored()
    {
        Assert.Equal("m", Read("\uFEFF{\"name\": \"m\"}").Name);
    }

    [Fact]
    public void Read_OtherMessageType_FillsAnyGeneratedMessage()
    {
        var input = new ModelInput();

        Assert.True(ModelConfigJsonReader.TryRead("{\"name\":\"x\",\"dims\":[2]}"u8, "input", input, out var error), error?.ToString());
        Assert.Equal(new ModelInput { Name = "x", Dims = { 2 } }, input);
    }

    [Fact]
    public void Read_UnknownNestedField_ReportsJsonPathLineAndColumn()
    {
        var error = ReadError("{\n  \"input\": [\n    { \"name\": \"a\" },\n    { \"dtype\": \"TYPE_FP32\" }\n  ]\n}");

        Assert.Equal("override:4:7: $.input[1].dtype: unknown field 'dtype' in inference.ModelInput", error.ToString());
        Assert.Equal("dtype", error.Field);
        Assert.Equal("$.input[1].dtype", error.JsonPath);
    }

    [Theory]
    [InlineData("{\"max_batch_sizee\": 1}", "$.max_batch_sizee", "max_batch_sizee", "unknown field 'max_batch_sizee' in inference.ModelConfig")]
    [InlineData("{\"max_batch_size\": 1, \"maxBatchSize\": 2}", "$.max_batch_size", "maxBatchSize", "field 'max_batch_size' is specified more than once in inference.ModelConfig")]
    [InlineData("{\"dynamic_batching\": {}, \"sequence_batching\": {}}", "$.sequence_batching", "sequence_batching", "field 'sequence_batching' conflicts with field 'dynamic_batching': both belong to oneof 'scheduling_choice' in inference.ModelConfig")]
    [InlineData("{\"max_batch_size\": 1.5}", "$.max_batch_size", "max_batch_size", "field 'max_batch_size' (int32) expects an integer, got number 1.5")]
    [InlineData("{\"max_batch_size\": \"eight\"}", "$.max_batch_size", "max_batch_size", "field 'max_batch_size' (int32) expects an integer, got string \"eight\"")]
    [InlineData("{\"max_batch_size\": 3000000000}", "$.max_batch_size", "max_batch_size", "value 3000000000 is out of range for field 'max_batch_size' (int32)")]
    [InlineData("{\"version_policy\": {\"latest\": {\"num_versions\": -1}}}", "$.version_policy.latest.num_versions", "num_versions", "value -1 is out of range for field 'num_versions' (uint32)")]
    [InlineData("{\"name\": 5}", "$.name", "name", "field 'name' (string) expects a JSON string, got number 5")]
    [InlineData("{\"response_cache\": {\"enable\": \"true\"}}", "$.response_cache.enable", "enable", "field 'enable' (bool) expects true or false, got string \"true\"")]
    [InlineData("{\"input\": [{\"data_type\": \"TYPE_FP33\"}]}", "$.input[0].data_type", "data_type", "unknown value 'TYPE_FP33' for field 'data_type' (inference.DataType)")]
    [InlineData("{\"input\": {}}", "$.input", "input", "field 'input' (repeated inference.ModelInput) expects a JSON array, got an object")]
    [InlineData("{\"input\": [{\"dims\": [1, null]}]}", "$.input[0].dims[1]", "dims", "field 'dims' may not contain null elements")]
    [InlineData("{\"version_policy\": []}", "$.version_policy", "version_policy", "field 'version_policy' (inference.ModelVersionPolicy) expects a JSON object, got an array")]
    [InlineData("{\"parameters\": []}", "$.parameters", "parameters", "field 'parameters' (a map) expects a JSON object, got an array")]
    [InlineData("{\"parameters\": {\"k\": \"v\"}}", "$.parameters.k", "parameters", "field 'parameters' (inference.ModelParameter) expects a JSON object, got string \"v\"")]
    [InlineData("{\"dynamic_batching\": {\"priority_queue_policy\": {\"x\": {}}}}", "$.dynamic_batching.priority_queue_policy.x", "priority_queue_policy", "map key \"x\" of field 'priority_queue_policy' is not a valid uint64")]
    [InlineData("{\"metric_tags\": {\"a b\": \"1\", \"a b\": \"2\"}}", "$.metric_tags['a b']", "metric_tags", "map key \"a b\" of field 'metric_tags' is given more than once")]
    [InlineData("{\"sequence_batching\": {\"direct\": {\"minimum_slot_utilization\": 1e39}}}", "$.sequence_batching.direct.minimum_slot_utilization", "minimum_slot_utilization", "value 1E+39 is out of range for field 'minimum_slot_utilization' (float)")]
    public void Read_InvalidValue_ReportsPathFieldAndMessage(string json, string path, string field, string message)
    {
        var error = ReadError(json);

        Assert.Equal(message, error.Message);
        Assert.Equal(path, error.JsonPath);
        Assert.Equal(field, error.Field);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void Read_ErrorAfterMultiByteCharacters_CountsColumnsInCharacters()
    {
        var error = ReadError("{\"name\": \"é\", \"x\": 1}");

        Assert.Equal((1, 15), (error.Line, error.Column));
    }

    [Theory]
    [InlineData("", 1, 1, "the JSON text is empty")]
    [InlineData("[1]", 1, 1, "expected a JSON object for inference.ModelConfig, got an array")]
    public void Read_NotAnObject_ReportsError(string json, int line, int column, string message)
    {
        var error = ReadError(json);

        Assert.Equal(message, error.Message);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Equal("$", error.JsonPath);
    }

    [Theory]
    [InlineData("{\n  \"name\": \"x\",\n}", 3)]
    [InlineData("{\"name\": \"x\"} {}", 1)]
    [InlineData("{\n  \"input\": [\n", 3)]
    [InlineData("{\"name\" 1}", 1)]
    public void Read_MalformedJson_ReportsSyntaxErrorWithLine(string json, int line)
    {
        var error = ReadError(json);

        Assert.StartsWith("invalid JSON: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal);
        Assert.Equal(line, error.Line);
        Assert.True(error.Column >= 1);
    }

    [Fact]
    public void ReadModelConfig_Invalid_ThrowsExceptionCarryingError()
    {
        var exception = Assert.Throws<ConfigParseException>(() => ModelConfigJsonReader.ReadModelConfig(Encoding.UTF8.GetBytes("{\"name\": 1}"), "load request"));

        Assert.Equal("load request:1:10: $.name: field 'name' (string) expects a JSON string, got number 1", exception.Message);
    }
}
