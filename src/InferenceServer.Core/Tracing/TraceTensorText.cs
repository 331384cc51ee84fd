using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Tracing;

/// <summary>
/// A tensor's elements as Triton's TENSORS trace writes them: the values joined by commas, the shape as its
/// dimensions joined by commas. BYTES elements (4-byte little-endian length, then the bytes) are written as UTF-8 text.
/// </summary>
internal static class TraceTensorText
{
    public static string Shape(in TensorShape shape)
    {
        var text = new StringBuilder();
        foreach (var dim in shape.Dimensions)
        {
            text.Append(text.Length == 0 ? "" : ",").Append(dim.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    public static string Data(DataType type, ReadOnlySpan<byte> data)
    {
        var text = new StringBuilder();
        if (type == DataType.Bytes)
        {
            while (data.Length >= 4)
            {
                var length = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(data), (uint)(data.Length - 4));
                text.Append(text.Length == 0 ? "" : ",").Append(Encoding.UTF8.GetString(data.Slice(4, length)));
                data = data[(4 + length)..];
            }

            return text.ToString();
        }

        var size = type.ElementSize();
        for (var offset = 0; size > 0 && offset + size <= data.Length; offset += size)
        {
            if (offset > 0)
            {
                text.Append(',');
            }

            var element = data.Slice(offset, size);
            _ = type switch
            {
                DataType.Bool => text.Append(element[0] != 0 ? "true" : "false"),
                DataType.UInt8 => text.Append(element[0]),
                DataType.Int8 => text.Append((sbyte)element[0]),
                DataType.UInt16 => text.Append(BinaryPrimitives.ReadUInt16LittleEndian(element)),
                DataType.Int16 => text.Append(BinaryPrimitives.ReadInt16LittleEndian(element)),
                DataType.UInt32 => text.Append(BinaryPrimitives.ReadUInt32LittleEndian(element)),
                DataType.Int32 => text.Append(BinaryPrimitives.ReadInt32LittleEndian(element)),
                DataType.UInt64 => text.Append(BinaryPrimitives.ReadUInt64LittleEndian(element)),
                DataType.Int64 => text.Append(BinaryPrimitives.ReadInt64LittleEndian(element)),
                DataType.Fp16 => text.Append(((float)BinaryPrimitives.ReadHalfLittleEndian(element)).ToString(CultureInfo.InvariantCulture)),
                DataType.Bf16 => text.Append(BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(element) << 16).ToString(CultureInfo.InvariantCulture)),
                DataType.Fp32 => text.Append(BinaryPrimitives.ReadSingleLittleEndian(element).ToString(CultureInfo.InvariantCulture)),
                DataType.Fp64 => text.Append(BinaryPrimitives.ReadDoubleLittleEndian(element).ToString(CultureInfo.InvariantCulture)),
                _ => text,
            };
        }

        return text.ToString();
    }
}
