using System.Numerics;
using System.Runtime.InteropServices;
using InferenceServer.ModelBuilder.Samples;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using DataType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.ModelBuilder.Tests.Samples;

public sealed class AddSubModelTests
{
    [Theory]
    [InlineData(TensorElementType.UInt8)]
    [InlineData(TensorElementType.UInt16)]
    [InlineData(TensorElementType.UInt32)]
    [InlineData(TensorElementType.UInt64)]
    [InlineData(TensorElementType.Int8)]
    [InlineData(TensorElementType.Int16)]
    [InlineData(TensorElementType.Int32)]
    [InlineData(TensorElementType.Int64)]
    [InlineData(TensorElementType.Float16)]
    [InlineData(TensorElementType.Float)]
    [InlineData(TensorElementType.Double)]
    public void AddSub_NumericType_AddsAndSubtracts(TensorElementType elementType)
    {
        var type = (DataType)(int)elementType;
        switch (type)
        {
            case DataType.Uint8: AssertAddSub<byte>(type); break;
            case DataType.Uint16: AssertAddSub<ushort>(type); break;
            case DataType.Uint32: AssertAddSub<uint>(type); break;
            case DataType.Uint64: AssertAddSub<ulong>(type); break;
            case DataType.Int8: AssertAddSub<sbyte>(type); break;
            case DataType.Int16: AssertAddSub<short>(type); break;
            case DataType.Int32: AssertAddSub<int>(type); break;
            case DataType.Int64: AssertAddSub<long>(type); break;
            case DataType.Float: AssertAddSub<float>(type); break;
            case DataType.Double: AssertAddSub<double>(type); break;
            // ONNX Runtime's Float16 has the layout of System.Half, which can do the arithmetic.
            case DataType.Float16: AssertAddSub<Half, Float16>(type); break;
            default: Assert.Fail($"No values for {type}."); break;
        }
    }

    /// <summary>BFLOAT16 Add is valid ONNX, but the CPU provider has no kernel for it.</summary>
    [Fact]
    public void AddSub_Bfloat16_HasNoCpuKernel()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => new OrtTestSession(SampleModels.AddSub(DataType.Bfloat16)));
        Assert.Contains("Could not find an implementation", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TensorElementType.Bool)]
    [InlineData(TensorElementType.String)]
    public void AddSub_NonNumericType_Throws(TensorElementType elementType)
        => Assert.Throws<ArgumentOutOfRangeException>(() => SampleModels.AddSub((DataType)(int)elementType));

    [Fact]
    public void AddSub_DefaultShape_IsBatchBySixteen()
    {
        using var session = new OrtTestSession(SampleModels.AddSub(DataType.Float));

        Assert.Equal([-1, 16], session.InputMetadata["INPUT1"].Dimensions);
        Assert.Equal([-1, 16], session.OutputMetadata["OUTPUT1"].Dimensions);
    }

    private static void AssertAddSub<T>(DataType type)
        where T : unmanaged, INumber<T> => AssertAddSub<T, T>(type);

    // TMath does the arithmetic, TTensor is what ONNX Runtime is handed; both have the same layout.
    private static void AssertAddSub<TMath, TTensor>(DataType type)
        where TMath : unmanaged, INumber<TMath>
        where TTensor : unmanaged
    {
        // Small values, first operand never below the second, so no type overflows or wraps.
        TMath[] a = [.. new[] { 5, 9, 100, 7, 0, 64 }.Select(TMath.CreateChecked)];
        TMath[] b = [.. new[] { 2, 9, 27, 0, 0, 1 }.Select(TMath.CreateChecked)];

        using var session = new OrtTestSession(SampleModels.AddSub(type, -1, 3));
        using var left = OrtValue.CreateTensorValueFromMemory(MemoryMarshal.Cast<TMath, TTensor>(a).ToArray(), [2, 3]);
        using var right = OrtValue.CreateTensorValueFromMemory(MemoryMarshal.Cast<TMath, TTensor>(b).ToArray(), [2, 3]);
        using var result = session.Run(("INPUT0", left), ("INPUT1", right));

        Assert.Equal([2L, 3], result.Shape("OUTPUT0"));
        Assert.Equal(a.Zip(b, (x, y) => x + y), MemoryMarshal.Cast<TTensor, TMath>(result.Data<TTensor>("OUTPUT0")).ToArray());
        Assert.Equal(a.Zip(b, (x, y) => x - y), MemoryMarshal.Cast<TTensor, TMath>(result.Data<TTensor>("OUTPUT1")).ToArray());
    }
}
