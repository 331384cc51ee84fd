using System.Numerics;
using System.Runtime.InteropServices;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>Feeds a tensor's raw bytes, element by element as doubles, into its feature sketches.</summary>
public static class TensorValues
{
    /// <summary>Element i goes to feature i mod <c>features.Length</c> (row-major <c>[rows, F]</c>).</summary>
    public static void Accumulate(DataType type, ReadOnlySpan<byte> data, FeatureSketch[] features)
    {
        switch (type)
        {
            case DataType.Bool:
            case DataType.UInt8: Accumulate(data, features); break;
            case DataType.Int8: Accumulate(MemoryMarshal.Cast<byte, sbyte>(data), features); break;
            case DataType.UInt16: Accumulate(MemoryMarshal.Cast<byte, ushort>(data), features); break;
            case DataType.Int16: Accumulate(MemoryMarshal.Cast<byte, short>(data), features); break;
            case DataType.UInt32: Accumulate(MemoryMarshal.Cast<byte, uint>(data), features); break;
            case DataType.Int32: Accumulate(MemoryMarshal.Cast<byte, int>(data), features); break;
            case DataType.UInt64: Accumulate(MemoryMarshal.Cast<byte, ulong>(data), features); break;
            case DataType.Int64: Accumulate(MemoryMarshal.Cast<byte, long>(data), features); break;
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
}
