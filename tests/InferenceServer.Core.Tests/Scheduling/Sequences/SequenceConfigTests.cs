using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Config;
using InferenceServer.Core.Scheduling.Sequences;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Tests.Scheduling.Sequences;

/// <summary>
/// How <c>sequence_batching</c> is read: slots per strategy with Triton's defaults, the server's tensors kept out of the
/// client signature, and every field the server cannot honour refused at load with the field named.
/// </summary>
public sealed class SequenceConfigTests
{
    private const string Interface = "input [ { name: \"INPUT\" data_type: TYPE_INT32 dims: [ 1 ] } ]\noutput [ { name: \"OUTPUT\" data_type: TYPE_INT32 dims: [ 1 ] } ]\n";

    private static global::Inference.ModelConfig Config(string sequence, int maxBatchSize = 4) =>
        ProtoTextParser.ParseModelConfig($"name: \"m\"\nmax_batch_size: {maxBatchSize}\n{Interface}sequence_batching {{ {sequence} }}", "config.pbtxt");

    [Fact]
    public void Direct_IsTheDefault_SlotsAreRowsTimesInstances_IdleDefaultsToOneSecond()
    {
        var policy = SequencePolicy.FromConfig(Config(""), instanceCount: 3);

        Assert.Equal(SequenceStrategy.Direct, policy.Strategy);
        Assert.Equal(12, policy.Slots);
        Assert.Equal(1_000_000, policy.MaxIdleMicroseconds);
        Assert.True(policy.Batching.Batching);
        Assert.Equal(4, policy.Batching.MaxBatchRows);
    }

    [Fact]
    public void Direct_ModelThatDoesNotBatch_OneSlotPerInstance()
    {
        var policy = SequencePolicy.FromConfig(Config("direct { max_queue_delay_microseconds: 100 }", maxBatchSize: 0), instanceCount: 2);

        Assert.Equal(2, policy.Slots);
        Assert.False(policy.Batching.Batching);
    }

    [Fact]
    public void Oldest_CandidatesPerInstance_PreferredSizesAndDelay()
    {
        var policy = SequencePolicy.FromConfig(
            Config("max_sequence_idle_microseconds: 250 oldest { max_candidate_sequences: 5 preferred_batch_size: [ 4, 2, 2 ] max_queue_delay_microseconds: 300 }"),
            instanceCount: 2);

        Assert.Equal(SequenceStrategy.Oldest, policy.Strategy);
        Assert.Equal(10, policy.Slots);
        Assert.Equal(250, policy.MaxIdleMicroseconds);
        Assert.Equal([2, 4], policy.Batching.PreferredBatchSizes);
        Assert.Equal(300, policy.Batching.MaxQueueDelayMicroseconds);
    }

    [Fact]
    public void Signature_ServerTensorsApart_FromTheClientInterface()
    {
        var signature = ModelSignatureFactory.FromConfig(Config(
            "control_input [ { name: \"START\" control [ { kind: CONTROL_SEQUENCE_START bool_false_true: [ false, true ] } ] }, " +
            "{ name: \"CORRID\" control [ { kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_STRING } ] } ] " +
            "state [ { input_name: \"S_IN\" output_name: \"S_OUT\" data_type: TYPE_FP32 dims: [ -1, 3 ] initial_state { data_type: TYPE_FP32 dims: [ 2, 3 ] zero_data: true } } ]"));

        Assert.Equal(["INPUT"], signature.Inputs.Select(i => i.Name));
        Assert.Null(signature.FindInput("START"));
        Assert.Equal(["START", "CORRID", "S_IN"], signature.ServerInputs.Select(i => i.Name));
        Assert.Equal([DataType.Bool, DataType.Bytes, DataType.Fp32], signature.ServerInputs.Select(i => i.DataType));
        Assert.Equal(["S_OUT"], signature.StateOutputs.Select(o => o.Name));
        var state = Assert.Single(signature.Sequence!.States);
        Assert.Equal([2, 3], state.InitialDimensions);
        Assert.Equal(24, state.InitialValue.Length);
        Assert.False(state.OutputIsConfigured);
    }

    [Theory]
    [InlineData("oldest { }", "sequence_batching.oldest.max_candidate_sequences must be at least 1")]
    [InlineData("oldest { max_candidate_sequences: 2 preferred_batch_size: [ 5 ] }", "preferred_batch_size 5 must be between 1 and max_batch_size 4")]
    [InlineData("iterative_sequence: true", "sequence_batching.iterative_sequence is not supported")]
    public void Policy_FieldTheServerCannotHonour_RefusedNamingIt(string sequence, string expected)
    {
        var error = Assert.Throws<ModelLoadException>(() => SequencePolicy.FromConfig(Config(sequence), instanceCount: 1));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("control_input [ { name: \"INPUT\" control [ { kind: CONTROL_SEQUENCE_START int32_false_true: [ 0, 1 ] } ] } ]", "control_input 'INPUT' is also a configured input")]
    [InlineData("control_input [ { name: \"S\" control [ { kind: CONTROL_SEQUENCE_START int32_false_true: [ 0, 1, 2 ] } ] } ]", "int32_false_true must hold exactly two values")]
    [InlineData("control_input [ { name: \"S\" control [ { kind: CONTROL_SEQUENCE_START } ] } ]", "must give exactly one of int32_false_true, fp32_false_true or bool_false_true")]
    [InlineData("control_input [ { name: \"S\" control [ ] } ]", "control_input 'S' must have exactly one control")]
    [InlineData("control_input [ { name: \"A\" control [ { kind: CONTROL_SEQUENCE_END int32_false_true: [ 0, 1 ] } ] }, { name: \"B\" control [ { kind: CONTROL_SEQUENCE_END int32_false_true: [ 0, 1 ] } ] } ]", "CONTROL_SEQUENCE_END is given by more than one control_input")]
    [InlineData("control_input [ { name: \"C\" control [ { kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_FP32 } ] } ]", "needs data_type TYPE_UINT64, TYPE_INT64, TYPE_UINT32, TYPE_INT32 or TYPE_STRING")]
    [InlineData("state [ { input_name: \"S\" output_name: \"T\" data_type: TYPE_STRING dims: [ 1 ] } ]", "state 'S' needs a numeric data_type")]
    [InlineData("state [ { input_name: \"S\" output_name: \"T\" data_type: TYPE_INT32 dims: [ 1 ] initial_state { data_file: \"f\" } } ]", "initial_state data_file is not supported by this server yet")]
    [InlineData("state [ { input_name: \"S\" output_name: \"OUTPUT\" data_type: TYPE_FP32 dims: [ 1 ] } ]", "output_name 'OUTPUT' is a configured output of type TYPE_INT32")]
    [InlineData("state [ { input_name: \"S\" output_name: \"T\" data_type: TYPE_INT32 dims: [ 9223372036854775807, 9223372036854775807 ] } ]", "bytes per sequence supported")]
    public void Tensors_FieldTheServerCannotHonour_RefusedNamingIt(string sequence, string expected)
    {
        var error = Assert.Throws<ModelLoadException>(() => ModelSignatureFactory.FromConfig(Config(sequence)));

        Assert.StartsWith("model 'm': ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
