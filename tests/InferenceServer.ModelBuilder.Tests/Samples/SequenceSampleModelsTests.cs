using InferenceServer.ModelBuilder.Samples;
using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.ModelBuilder.Tests.Samples;

/// <summary>The sequence accumulators run in ONNX Runtime as their documentation says, one row per sequence.</summary>
public sealed class SequenceSampleModelsTests
{
    [Fact]
    public void Accumulator_AddsInputToState_AndEmitsTheSumAsNextState()
    {
        using var session = new OrtTestSession(SequenceSampleModels.Accumulator());
        using var input = Int32([3, -4]);
        using var state = Int32([10, 20]);

        using var result = session.Run((SequenceSampleModels.Input, input), (SequenceSampleModels.StateInput, state));

        Assert.Equal([13, 16], result.Data<int>(SequenceSampleModels.Output));
        Assert.Equal([13, 16], result.Data<int>(SequenceSampleModels.StateOutput));
        Assert.Equal([2, 1], result.Shape(SequenceSampleModels.Output));
    }

    [Fact]
    public void ControlledAccumulator_StartResetsTheRow_OthersCarryState_ControlsEchoed()
    {
        using var session = new OrtTestSession(SequenceSampleModels.ControlledAccumulator());
        using var input = Int32([5, 7]);
        using var start = Int32([1, 0]);
        using var ready = Int32([1, 1]);
        using var end = Int32([0, 1]);
        using var correlationId = OrtValue.CreateTensorValueFromMemory(new ulong[] { 42, ulong.MaxValue }, [2, 1]);
        using var state = Int32([100, 100]);

        using var result = session.Run(
            (SequenceSampleModels.Input, input), (SequenceSampleModels.Start, start), (SequenceSampleModels.Ready, ready),
            (SequenceSampleModels.End, end), (SequenceSampleModels.CorrelationId, correlationId), (SequenceSampleModels.StateInput, state));

        Assert.Equal([5, 107], result.Data<int>(SequenceSampleModels.Output));
        Assert.Equal([5, 107], result.Data<int>(SequenceSampleModels.StateOutput));
        Assert.Equal([1, 1], result.Data<int>(SequenceSampleModels.ReadyOutput));
        Assert.Equal([0, 1], result.Data<int>(SequenceSampleModels.EndOutput));
        Assert.Equal([42UL, ulong.MaxValue], result.Data<ulong>(SequenceSampleModels.CorrelationIdOutput));
    }

    [Fact]
    public void SequenceModels_AreDeterministic()
    {
        Assert.Equal(SequenceSampleModels.Accumulator(), SequenceSampleModels.Accumulator());
        Assert.Equal(SequenceSampleModels.ControlledAccumulator(), SequenceSampleModels.ControlledAccumulator());
    }

    private static OrtValue Int32(int[] values) => OrtValue.CreateTensorValueFromMemory(values, [values.Length, 1]);
}
