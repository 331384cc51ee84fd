using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Config;

namespace InferenceServer.Core.Tests.Models.Config;

public sealed class ModelConfigSupportTests
{
    private static global::Inference.ModelConfig Parse(string extra) =>
        ProtoTextParser.ParseModelConfig($"name: \"m\"\nmax_batch_size: 8\n{extra}", "config.pbtxt");

    [Theory]
    [InlineData("model_transaction_policy { decoupled: true }", "model_transaction_policy { decoupled: true } is not supported")]
    [InlineData("batch_input [ { kind: BATCH_ELEMENT_COUNT target_name: [ \"N\" ] data_type: TYPE_INT32 source_input: [ \"a\" ] } ]", "batch_input 'N' is not supported")]
    [InlineData("batch_output [ { target_name: [ \"OUT\" ] kind: BATCH_SCATTER_WITH_INPUT_SHAPE source_input: [ \"a\" ] } ]", "batch_output 'OUT' is not supported")]
    [InlineData("model_repository_agents { agents [ { name: \"checksum\" } ] }", "model_repository_agents 'checksum' is not supported")]
    [InlineData("model_operations { op_library_filename: [ \"libcustom.so\" ] }", "model_operations.op_library_filename is not supported")]
    public void EnsureSupported_FeatureTheServerCannotHonour_ThrowsNamingModelAndField(string extra, string expected)
    {
        var config = Parse(extra);

        var error = Assert.Throws<ModelLoadException>(() => ModelConfigSupport.EnsureSupported(config));

        Assert.StartsWith("model 'm': ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("dynamic_batching { max_queue_delay_microseconds: 100 }")]
    [InlineData("sequence_batching { control_input [ { name: \"START\" control [ { kind: CONTROL_SEQUENCE_START fp32_false_true: [ 0, 1 ] } ] } ] }")]
    [InlineData("response_cache { enable: true }")]
    [InlineData("model_transaction_policy { decoupled: false }")]
    [InlineData("optimization { graph { level: 1 } }")]
    [InlineData("platform: \"onnxruntime_onnx\"")]
    public void EnsureSupported_FeatureThatLeavesAnswersAlone_Accepted(string extra)
    {
        ModelConfigSupport.EnsureSupported(Parse(extra));
    }
}
