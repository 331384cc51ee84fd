using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace InferenceServer.LoadTool.Data;

/// <summary>Appends one element in raw form, from a .NET value (generated data) or a JSON value (a data file).</summary>
internal static class ElementEncoder
{
    /// <summary>Appends a number, converted to <paramref name="dataType"/> (wrapping like a C cast for integers).</summary>
    public static void AppendNumber(List<byte> raw, string dataType, double value)
    {
        Span<byte> bytes = stackalloc byte[8];
        var size = DataTypes.ElementSize(dataType);
        switch (dataType)
        {
            case "BOOL":
                bytes[0] = value != 0 ? (byte)1 : (byte)0;
                break;
            case "UINT8" or "INT8":
                bytes[0] = unchecked((byte)(long)value);
                break;
            case "UINT16" or "INT16":
                BinaryPrimitives.WriteUInt16LittleEndian(bytes, unchecked((ushort)(long)value));
                break;
            case "UINT32" or "INT32":
                BinaryPrimitives.WriteUInt32LittleEndian(bytes, unchecked((uint)(long)value));
                break;
            case "UINT64":
                BinaryPrimitives.WriteUInt64LittleEndian(bytes, value >= long.MaxValue ? (ulong)value : unchecked((ulong)(long)value));
                break;
            case "INT64":
                BinaryPrimitives.WriteInt64LittleEndian(bytes, (long)value);
                break;
            case "FP16":
                BinaryPrimitives.WriteHalfLittleEndian(bytes, (Half)value);
                break;
            case "BF16":
                // bfloat16 is the upper half of an IEEE single (truncated: a load generator needs no rounding).
                BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)(BitConverter.SingleToUInt32Bits((float)value) >> 16));
                break;
            case "FP32":
                BinaryPrimitives.WriteSingleLittleEndian(bytes, (float)value);
                break;
            case "FP64":
                BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
                break;
            default:
                throw new InvalidOperationException($"a number is not a {dataType} element");
        }

        for (var i = 0; i < size; i++)
        {
            raw.Add(bytes[i]);
        }
    }

    /// <summary>Appends one BYTES element: its length as 4 little-endian bytes, then the bytes.</summary>
    public static void AppendBytes(List<byte> raw, ReadOnlySpan<byte> element)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, element.Length);
        foreach (var b in length)
        {
            raw.Add(b);
        }

        foreach (var b in element)
        {
            raw.Add(b);
        }
    }

    /// <summary>Appends a data file's JSON value: a number, a boolean, or a string for BYTES.</summary>
    public static void AppendJson(List<byte> raw, string dataType, JsonElement value, string input)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String when dataType == DataTypes.Bytes:
                AppendBytes(raw, Encoding.UTF8.GetBytes(value.GetString()!));
                break;
            case JsonValueKind.True or JsonValueKind.False when dataType != DataTypes.Bytes:
                AppendNumber(raw, dataType, value.ValueKind == JsonValueKind.True ? 1 : 0);
                break;
            case JsonValueKind.Number when dataType is "INT64" or "UINT64" && value.TryGetInt64(out var whole):
                // Through long, not double, so 64-bit values keep every digit.
                Span<byte> bytes = stackalloc byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(bytes, whole);
                foreach (var b in bytes)
                {
                    raw.Add(b);
                }

                break;
            case JsonValueKind.Number when dataType != DataTypes.Bytes:
                AppendNumber(raw, dataType, value.GetDouble());
                break;
            default:
                throw new InvalidDataException($"input '{input}': a JSON {value.ValueKind} is not a {dataType} value");
        }
    }
}
