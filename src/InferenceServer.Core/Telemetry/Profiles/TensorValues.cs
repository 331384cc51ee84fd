using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>
/// Feeds a tensor's raw bytes, element by element, into its feature sketches: floating-point values as doubles,
/// integers and booleans as doubles and as categories, BYTES elements as texts.
/// </summary>
public static class TensorValues
{
    /// <summary>Element i goes to feature i mod <c>features.Length</c> (row-major <c>[rows, F]</c>).</summary>
    public static void Accumulate(DataType type, ReadOnlySpan<byte> data, FeatureSketch[] features)
    {
        switch (type)
        {
            case DataType.Bool:
            case DataType.UInt8: AccumulateIntegers(data, features); break;
            case DataType.Int8: AccumulateIntegers(MemoryMarshal.Cast<byte, sbyte>(data), features); break;
            case DataType.UInt16: AccumulateIntegers(MemoryMarshal.Cast<byte, ushort>(data), features); break;
            case DataType.Int16: AccumulateIntegers(MemoryMarshal.Cast<byte, short>(data), features); break;
            case DataType.UInt32: AccumulateIntegers(MemoryMarshal.Cast<byte, uint>(data), features); break;
            case DataType.Int32: AccumulateIntegers(MemoryMarshal.Cast<byte, int>(data), features); break;
            case DataType.UInt64: AccumulateIntegers(MemoryMarshal.Cast<byte, ulong>(data), features); break;
            case DataType.Int64: AccumulateIntegers(MemoryMarshal.Cast<byte, long>(data), features); break;
            case DataType.Bytes: AccumulateTexts(data, features); break;
            case DataType.Fp16: Accumulate(MemoryMarshal.Cast<byte, Half>(data), features); break;
            case DataType.Fp32: Accumulate(MemoryMarshal.Cast<byte, float>(data), features); break;
            case DataType.Fp64: Accumulate(MemoryMarshal.Cast<byte, double>(data), features); break;
        }
    }

    private static void Accumulate<T>(ReadOnlySpan<T> values, FeatureSketch[] features)
        where T : unmanaged, INumberBase<T>
    {
        if (features.Length == 1)
        {
            var only = features[0];
            foreach (var value in values)
            {
                only.Add(double.CreateTruncating(value));
            }

            return;
        }

        var column = 0;
        foreach (var value in values)
        {
            features[column].Add(double.CreateTruncating(value));
            if (++column == features.Length)
            {
                column = 0;
            }
        }
    }

    private static void AccumulateIntegers<T>(ReadOnlySpan<T> values, FeatureSketch[] features)
        where T : unmanaged, IBinaryInteger<T>
    {
        var column = 0;
        foreach (var value in values)
        {
            features[column].AddInteger(long.CreateTruncating(value));
            if (++column == features.Length)
            {
                column = 0;
            }
        }
    }

    // [uint32 LE length][bytes] per element (BytesTensor); a truncated tail (never passed by validation) is ignored.
    private static void AccumulateTexts(ReadOnlySpan<byte> data, FeatureSketch[] features)
    {
        var column = 0;
        while (data.Length >= BytesTensor.PrefixSize && BinaryPrimitives.ReadUInt32LittleEndian(data) <= (uint)(data.Length - BytesTensor.PrefixSize))
        {
            features[column].AddText(BytesTensor.ReadElement(ref data));
            if (++column == features.Length)
            {
                column = 0;
            }
        }
    }
}
