using InferenceServer.ModelBuilder.Onnx;
using DataType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.ModelBuilder.Samples;

/// <summary>
/// Versions of Triton's <c>simple</c> (same inputs and outputs) that behave differently, for traffic tests: one
/// whose answers are off by a known constant, one that fails every request of fewer than 7 rows at run time.
/// </summary>
internal static class TrafficSampleModels
{
    /// <summary>OUTPUT0 = INPUT0 + INPUT1 + offset, OUTPUT1 = INPUT0 − INPUT1 + offset.</summary>
    public static byte[] SimpleOffset(int offset) => new OnnxModelBuilder("simple_offset")
        .AddInput(SampleModelNames.Input0, DataType.Int32, -1, SampleModels.SimpleWidth)
        .AddInput(SampleModelNames.Input1, DataType.Int32, -1, SampleModels.SimpleWidth)
        .AddInitializer("offset", [offset], 1)
        .AddNode("Add", [SampleModelNames.Input0, SampleModelNames.Input1], ["sum"])
        .AddNode("Sub", [SampleModelNames.Input0, SampleModelNames.Input1], ["difference"])
        .AddNode("Add", ["sum", "offset"], [SampleModelNames.Output0])
        .AddNode("Add", ["difference", "offset"], [SampleModelNames.Output1])
        .AddOutput(SampleModelNames.Output0, DataType.Int32, -1, SampleModels.SimpleWidth)
        .AddOutput(SampleModelNames.Output1, DataType.Int32, -1, SampleModels.SimpleWidth)
        .ToByteArray();

    /// <summary>Reshapes the sum to rows of 7, which 16 × rows elements fit only when rows is a multiple of 7: fails at run time.</summary>
    public static byte[] SimpleFailing() => new OnnxModelBuilder("simple_failing")
        .AddInput(SampleModelNames.Input0, DataType.Int32, -1, SampleModels.SimpleWidth)
        .AddInput(SampleModelNames.Input1, DataType.Int32, -1, SampleModels.SimpleWidth)
        .AddInitializer("sevens", [-1L, 7], 2)
        .AddInitializer("sixteens", [-1L, SampleModels.SimpleWidth], 2)
        .AddNode("Add", [SampleModelNames.Input0, SampleModelNames.Input1], ["sum"])
        .AddNode("Reshape", ["sum", "sevens"], ["sum_by_7"])
        .AddNode("Reshape", ["sum_by_7", "sixteens"], [SampleModelNames.Output0])
        .AddNode("Sub", [SampleModelNames.Input0, SampleModelNames.Input1], [SampleModelNames.Output1])
        .AddOutput(SampleModelNames.Output0, DataType.Int32, -1, SampleModels.SimpleWidth)
        .AddOutput(SampleModelNames.Output1, DataType.Int32, -1, SampleModels.SimpleWidth)
        .ToByteArray();

    /// <summary>Like <c>simple</c>, but through a chain of <paramref name="steps"/> additions of zero: many times slower per request.</summary>
    public static byte[] SimpleSlow(int steps)
    {
        var builder = new OnnxModelBuilder("simple_slow")
            .AddInput(SampleModelNames.Input0, DataType.Int32, -1, SampleModels.SimpleWidth)
            .AddInput(SampleModelNames.Input1, DataType.Int32, -1, SampleModels.SimpleWidth)
            .AddNode("Add", [SampleModelNames.Input0, SampleModelNames.Input1], ["step_0"])
            .AddNode("Sub", [SampleModelNames.Input0, SampleModelNames.Input1], [SampleModelNames.Output1])
            .AddOutput(SampleModelNames.Output0, DataType.Int32, -1, SampleModels.SimpleWidth)
            .AddOutput(SampleModelNames.Output1, DataType.Int32, -1, SampleModels.SimpleWidth);
        for (var i = 0; i < steps; i++)
        {
            // Adding INPUT1 and subtracting it again keeps the values and defeats constant folding.
            builder.AddNode(i % 2 == 0 ? "Add" : "Sub", [$"step_{i}", SampleModelNames.Input1], [i == steps - 1 ? SampleModelNames.Output0 : $"step_{i + 1}"]);
        }

        return builder.ToByteArray();
    }
}
