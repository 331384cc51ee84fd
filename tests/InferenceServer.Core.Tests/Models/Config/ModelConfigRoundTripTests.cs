using Google.Protobuf;
using Inference;
using InferenceServer.Core.Models.Config;

namespace InferenceServer.Core.Tests.Models.Config;

/// <summary>pbtxt → message → canonical JSON → reader → message gives back an equal message.</summary>
public class ModelConfigRoundTripTests
{
    public static TheoryData<string> Configs => new()
    {
        SampleConfigs.Realistic,
        string.Empty,
        "version_policy { all {} } ensemble_scheduling { step { model_name: \"a\" model_version: -1 input_map { key: \"x\" value: \"y\" } } }",
        "sequence_batching { oldest { max_queue_delay_microseconds: 18446744073709551615 } control_input { name: \"c\" control { fp32_false_true: [ 0.1, -inf, nan ] bool_false_true: [ false, true ] } } }",
        "model_metrics { metric_control { histogram_options { buckets: [ 1e-300, 0.30000000000000004, 1.7976931348623157e308 ] } } }",
        "name: \"\\303\\251\\x00 \\\"quoted\\\" \\U0001F600\" metric_tags { key: \"\" value: \"\" }",
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void RoundTrip_PbtxtThroughJson_GivesEqualMessage(string pbtxt)
    {
        var original = ProtoTextParser.ParseModelConfig(pbtxt, "config.pbtxt");

        var json = ModelConfigJsonWriter.ToJsonString(original);
        var reread = ModelConfigJsonReader.ReadModelConfig(json, "config.json");

        Assert.Equal(original, reread);
        Assert.Equal(json, ModelConfigJsonWriter.ToJsonString(reread));
    }

    [Fact]
    public void RoundTrip_Utf8Bytes_GivesEqualMessage()
    {
        var original = ProtoTextParser.ParseModelConfig(SampleConfigs.Realistic, "config.pbtxt");

        var reread = ModelConfigJsonReader.ReadModelConfig(ModelConfigJsonWriter.ToUtf8Bytes(original, indented: true), "config.json");

        Assert.Equal(original, reread);
    }

    [Fact]
    public void RoundTrip_ProtobufBinary_AgreesWithParsedText()
    {
        // The binary encoding is a second, independent check that every parsed field landed where it belongs.
        var original = ProtoTextParser.ParseModelConfig(SampleConfigs.Realistic, "config.pbtxt");

        var copy = ModelConfig.Parser.ParseFrom(original.ToByteArray());

        Assert.Equal(original, copy);
        Assert.Equal(original, ModelConfigJsonReader.ReadModelConfig(ModelConfigJsonWriter.ToUtf8Bytes(copy), "copy"));
    }
}
