using System.Runtime.InteropServices;
using InferenceServer.ModelBuilder.Samples;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using DataType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.ModelBuilder.Tests.Samples;

public sealed class IdentityModelTests
{
    /// <summary>
    /// Every element type Triton's model configuration can name. Theories take ONNX Runtime's
    /// public enum because test methods are public and the builder's types are internal; the
    /// numeric values are the same, which the last theory checks.
    /// </summary>
    public static TheoryData<TensorElementType> TritonTypes =>
    [
        TensorElementType.Bool,
        TensorElementType.UInt8,
        TensorElementType.UInt16,
        TensorElementType.UInt32,
        TensorElementType.UInt64,
        TensorElementType.Int8,
        TensorElementType.Int16,
        TensorElementType.Int32,
        TensorElementType.Int64,
        TensorElementType.Float16,
        TensorElementType.BFloat16,
        TensorElementType.Float,
        TensorElementType.Double,
        TensorElementType.String,
    ];

    [Theory]
    [MemberData(nameof(TritonTypes))]
    public void Identity_EveryTritonType_LoadsWithSymbolicTwoDimensionalShape(TensorElementType elementType)
    {
        var type = (DataType)(int)elementType;
        using var session = new OrtTestSession(SampleModels.Identity(type));

        var input = Assert.Single(session.InputMetadata);
        Assert.Equal("INPUT0", input.Key);
        Assert.Equal((TensorElementType)(int)type, input.Value.ElementDataType);
        Assert.Equal([-1, -1], input.Value.Dimensions);
        var output = Assert.Single(session.OutputMetadata);
        Assert.Equal("OUTPUT0", output.Key);
        Assert.Equal((TensorElementType)(int)type, output.Value.ElementDataType);
    }

    [Theory]
    [MemberData(nameof(TritonTypes))]
    public void Identity_EveryTritonType_ReturnsInputUnchanged(TensorElementType elementType)
    {
        var type = (DataType)(int)elementType;
        using var session = new OrtTestSession(SampleModels.Identity(type));

        switch (type)
        {
            case DataType.Bool: AssertRoundTrip(session, [true, false, true, true, false, false]); break;
            case DataType.Uint8: AssertRoundTrip<byte>(session, [0, 1, 2, 127, 128, 255]); break;
            case DataType.Uint16: AssertRoundTrip<ushort>(session, [0, 1, 2, 32767, 32768, 65535]); break;
            case DataType.Uint32: AssertRoundTrip<uint>(session, [0u, 1u, 2u, int.MaxValue, 1u << 31, uint.MaxValue]); break;
            case DataType.Uint64: AssertRoundTrip<ulong>(session, [0ul, 1ul, 2ul, long.MaxValue, 1ul << 63, ulong.MaxValue]); break;
            case DataType.Int8: AssertRoundTrip<sbyte>(session, [0, 1, -1, 127, -128, 42]); break;
            case DataType.Int16: AssertRoundTrip<short>(session, [0, 1, -1, short.MaxValue, short.MinValue, 42]); break;
            case DataType.Int32: AssertRoundTrip(session, [0, 1, -1, int.MaxValue, int.MinValue, 42]); break;
            case DataType.Int64: AssertRoundTrip(session, [0L, 1L, -1L, long.MaxValue, long.MinValue, 42L]); break;
            // Raw bit patterns: 1.0, -2.0, +inf, NaN, smallest subnormal, 0.
            case DataType.Float16: AssertRoundTrip<Float16>(session, Halves<Float16>(0x3C00, 0xC000, 0x7C00, 0x7E00, 0x0001, 0x0000)); break;
            case DataType.Bfloat16: AssertRoundTrip<BFloat16>(session, Halves<BFloat16>(0x3F80, 0xC000, 0x7F80, 0x7FC0, 0x0001, 0x0000)); break;
            case DataType.Float: AssertRoundTrip(session, [0f, 1.5f, -2.25f, float.MaxValue, float.Epsilon, float.NaN]); break;
            case DataType.Double: AssertRoundTrip(session, [0d, 1.5d, -2.25d, double.MaxValue, double.Epsilon, double.NaN]); break;
            case DataType.String:
                string[] strings = ["", "a", "héllo", "🙂", "with\0nul", new string('z', 300)];
                using (var input = OrtTestSession.StringTensor(strings, 2, 3))
                using (var result = session.Run(("INPUT0", input)))
                {
                    Assert.Equal([2L, 3], result.Shape("OUTPUT0"));
                    Assert.Equal(strings, result.Strings("OUTPUT0"));
                }

                break;
            default:
                Assert.Fail($"No values for {type}.");
                break;
        }
    }

    [Fact]
    public void Identity_ExplicitRankThreeShape_KeepsFixedAndSymbolicDims()
    {
        using var session = new OrtTestSession(SampleModels.Identity(DataType.Float, -1, 4, -1));

        Assert.Equal([-1, 4, -1], session.InputMetadata["INPUT0"].Dimensions);
        Assert.Equal([-1, 4, -1], session.OutputMetadata["OUTPUT0"].Dimensions);
    }

    [Fact]
    public void Identity_ZeroRows_ReturnsEmptyTensor()
    {
        using var session = new OrtTestSession(SampleModels.Identity(DataType.Int32));
        using var input = OrtValue.CreateTensorValueFromMemory(Array.Empty<int>(), [0, 5]);
        using var result = session.Run(("INPUT0", input));

        Assert.Equal([0L, 5], result.Shape("OUTPUT0"));
    }

    [Theory]
    [MemberData(nameof(TritonTypes))]
    public void DataType_Value_EqualsOnnxRuntimeTensorElementType(TensorElementType elementType)
        => Assert.Equal(elementType.ToString(), ((DataType)(int)elementType).ToString(), ignoreCase: true);

    private static T[] Halves<T>(params ushort[] bits)
        where T : unmanaged => MemoryMarshal.Cast<ushort, T>(bits).ToArray();

    // Compares bytes rather than values so NaN payloads and signed zeros count too.
    private static void AssertRoundTrip<T>(OrtTestSession session, T[] values)
        where T : unmanaged
    {
        using var input = OrtValue.CreateTensorValueFromMemory(values, [2, 3]);
        using var result = session.Run(("INPUT0", input));

        Assert.Equal([2L, 3], result.Shape("OUTPUT0"));
        var actual = result.Data<T>("OUTPUT0");
        Assert.Equal(MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), MemoryMarshal.AsBytes(actual.AsSpan()).ToArray());
    }
}
