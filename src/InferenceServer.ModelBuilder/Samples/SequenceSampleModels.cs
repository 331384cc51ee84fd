using InferenceServer.ModelBuilder.Onnx;
using DataType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.ModelBuilder.Samples;

/// <summary>
/// Stateful accumulators for the sequence batcher, each INT32 [-1,1] per tensor (one value per sequence and request).
/// The running sum is an ONNX input/output pair (<see cref="StateInput"/> → <see cref="StateOutput"/>) that the server
/// carries between a sequence's requests as implicit state.
/// </summary>
internal static class SequenceSampleModels
{
    public const string Input = "INPUT";
    public const string Output = "OUTPUT";
    public const string StateInput = "STATE_IN";
    public const string StateOutput = "STATE_OUT";
    public const string Start = "START";
    public const string Ready = "READY";
    public const string End = "END";
    public const string CorrelationId = "CORRID";
    public const string ReadyOutput = "READY_OUT";
    public const string EndOutput = "END_OUT";
    public const string CorrelationIdOutput = "CORRID_OUT";

    /// <summary>OUTPUT = STATE_IN + INPUT, and STATE_OUT the same: the server's initial state (zeros) starts each sequence.</summary>
    public static byte[] Accumulator() => new OnnxModelBuilder("sequence_accumulator")
        .AddInput(Input, DataType.Int32, -1, 1)
        .AddInput(StateInput, DataType.Int32, -1, 1)
        .AddNode("Add", [StateInput, Input], [Output])
        .AddNode("Identity", [Output], [StateOutput])
        .AddOutput(Output, DataType.Int32, -1, 1)
        .AddOutput(StateOutput, DataType.Int32, -1, 1)
        .ToByteArray();

    /// <summary>
    /// The accumulator with explicit controls, as a model written for Triton's sequence batcher without an initial state:
    /// OUTPUT = (START ? 0 : STATE_IN) + INPUT (START, READY and END INT32 flags, CORRID UINT64), and READY, END and
    /// CORRID echoed as READY_OUT, END_OUT and CORRID_OUT so a test sees what the server fed.
    /// </summary>
    public static byte[] ControlledAccumulator() => new OnnxModelBuilder("sequence_accumulator_controls")
        .AddInput(Input, DataType.Int32, -1, 1)
        .AddInput(Start, DataType.Int32, -1, 1)
        .AddInput(Ready, DataType.Int32, -1, 1)
        .AddInput(End, DataType.Int32, -1, 1)
        .AddInput(CorrelationId, DataType.Uint64, -1, 1)
        .AddInput(StateInput, DataType.Int32, -1, 1)
        .AddInitializer("zero", [0], 1)
        .AddNode("Cast", [Start], ["starts"], OnnxAttributes.CastTo(DataType.Bool))
        .AddNode("Where", ["starts", "zero", StateInput], ["carried"])
        .AddNode("Add", ["carried", Input], [Output])
        .AddNode("Identity", [Output], [StateOutput])
        .AddNode("Identity", [Ready], [ReadyOutput])
        .AddNode("Identity", [End], [EndOutput])
        .AddNode("Identity", [CorrelationId], [CorrelationIdOutput])
        .AddOutput(Output, DataType.Int32, -1, 1)
        .AddOutput(StateOutput, DataType.Int32, -1, 1)
        .AddOutput(ReadyOutput, DataType.Int32, -1, 1)
        .AddOutput(EndOutput, DataType.Int32, -1, 1)
        .AddOutput(CorrelationIdOutput, DataType.Uint64, -1, 1)
        .ToByteArray();
}
