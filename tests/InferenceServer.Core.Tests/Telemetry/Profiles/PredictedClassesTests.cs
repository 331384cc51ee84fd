using System.Runtime.InteropServices;
using InferenceServer.Core.Telemetry.Profiles;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Tests.Telemetry.Profiles;

public class PredictedClassesTests
{
    [Fact]
    public void Count_Fp32Rows_ArgmaxPerRow_FirstOnTies_NaNRowsSkipped()
    {
        float[] scores =
        [
            0.1f, 0.7f, 0.2f,
            0.5f, 0.5f, 0.0f,
            float.NaN, float.NaN, float.NaN,
            float.NaN, 0.1f, 0.3f,
            0.9f, 0.05f, 0.05f,
        ];
        var counts = new long[3];

        PredictedClasses.Count(DataType.Fp32, MemoryMarshal.AsBytes(scores.AsSpan()), counts);

        Assert.Equal([2, 1, 1], counts);
        Assert.Equal([0.5, 0.25, 0.25], PredictedClasses.Shares(counts));
        Assert.Empty(PredictedClasses.Shares(new long[3]));
    }

    [Fact]
    public void Applies_OnlyToFloatOutputsWithSeveralColumns()
    {
        Assert.True(PredictedClasses.Applies(new TensorLayout("p", IsInput: false, 0, DataType.Fp32, 2, PerColumn: true)));
        Assert.False(PredictedClasses.Applies(new TensorLayout("p", IsInput: true, 0, DataType.Fp32, 2, PerColumn: true)));
        Assert.False(PredictedClasses.Applies(new TensorLayout("p", IsInput: false, 0, DataType.Int32, 2, PerColumn: true)));
        Assert.False(PredictedClasses.Applies(new TensorLayout("p", IsInput: false, 0, DataType.Fp32, 1, PerColumn: true)));
        Assert.False(PredictedClasses.Applies(new TensorLayout("p", IsInput: false, 0, DataType.Fp64, 1, PerColumn: false)));
    }
}
