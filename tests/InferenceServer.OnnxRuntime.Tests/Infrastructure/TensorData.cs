using System.Runtime.InteropServices;
using System.Text;
using InferenceServer.Core.Tensors;

namespace InferenceServer.OnnxRuntime.Tests.Infrastructure;

/// <summary>Sample tensor bytes in the server's binary layout for each datatype.</summary>
internal static class TensorData
{
    /// <summary><paramref name="count"/> elements of <paramref name="type"/>, distinct and deterministic.</summary>
    public static byte[] Create(DataType type, int count) => type switch
    {
        DataType.Bool => Enumerable.Range(0, count).Select(i => (byte)(i % 3 == 0 ? 1 : 0)).ToArray(),
        DataType.UInt8 => Enumerable.Range(0, count).Select(i => (byte)(250 + i)).ToArray(),
        DataType.Int8 => Enumerable.Range(0, count).Select(i => (byte)(sbyte)(-3 + i)).ToArray(),
        DataType.UInt16 => Bytes(Enumerable.Range(0, count).Select(i => (ushort)(65_530 + i)).ToArray()),
        DataType.Int16 => Bytes(Enumerable.Range(0, count).Select(i => (short)(-32_768 + i)).ToArray()),
        DataType.UInt32 => Bytes(Enumerable.Range(0, count).Select(i => uint.MaxValue - (uint)i).ToArray()),
        DataType.Int32 => Bytes(Enumerable.Range(0, count).Select(i => int.MinValue + i).ToArray()),
        DataType.UInt64 => Bytes(Enumerable.Range(0, count).Select(i => ulong.MaxValue - (ulong)i).ToArray()),
        DataType.Int64 => Bytes(Enumerable.Range(0, count).Select(i => long.MinValue + i).ToArray()),
        DataType.Fp16 => Bytes(Enumerable.Range(0, count).Select(i => (Half)(i - 2.5f)).ToArray()),
        DataType.Bf16 => Bytes(Enumerable.Range(0, count).Select(i => (ushort)(BitConverter.SingleToInt32Bits(i * -1.5f) >> 16)).ToArray()),
        DataType.Fp32 => Bytes(Enumerable.Range(0, count).Select(i => (i * 0.1f) - 1e-3f).ToArray()),
        DataType.Fp64 => Bytes(Enumerable.Range(0, count).Select(i => (i * Math.PI) - 1e300).ToArray()),
        DataType.Bytes => Strings(Enumerable.Range(0, count).Select(i => i switch
        {
            0 => [],
            1 => Encoding.UTF8.GetBytes("héllo, wörld"),
            2 => [0xFF, 0x00, 0xFE],
            _ => Encoding.UTF8.GetBytes(new string('x', i * 7)),
        }).ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The length-prefixed layout of BYTES elements.</summary>
    public static byte[] Strings(params byte[][] elements)
    {
        var data = new byte[elements.Sum(e => BytesTensor.PrefixSize + e.Length)];
        var span = data.AsSpan();
        foreach (var element in elements)
        {
            span = span[BytesTensor.WriteElement(span, element)..];
        }

        return data;
    }

    public static byte[] Strings(params string[] elements) => Strings(elements.Select(Encoding.UTF8.GetBytes).ToArray());

    public static byte[] Bytes<T>(T[] values)
        where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
