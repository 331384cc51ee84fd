using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Protocols.Http;

/// <summary>Writes tensor bytes as a flat JSON <c>data</c> array.</summary>
internal static class JsonTensorWriter
{
    public static void WriteData(Utf8JsonWriter writer, DataType type, ReadOnlySpan<byte> data)
    {
        writer.WriteStartArray();
        switch (type)
        {
            case DataType.Bool:
                foreach (var b in data)
                {
                    writer.WriteBooleanValue(b != 0);
                }

                break;
            case DataType.UInt8:
                foreach (var v in data)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case DataType.Int8:
                foreach (var v in MemoryMarshal.Cast<byte, sbyte>(data))
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case DataType.UInt16:
                foreach (var v in MemoryMarshal.Cast<byte, ushort>(data))
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case DataType.Int16:
                foreach (var v in MemoryMarshal.Cast<byte, short>(data))
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case DataType.UInt32:
                foreach (var v in MemoryMarshal.Cast<byte, uint>(data))
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case DataType.Int32:
                foreach (var v in MemoryMarshal.Cast<byte, int>(data))
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case DataType.UInt64:
                foreach (var v in MemoryMarshal.Cast<byte, ulong>(data))
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case DataType.Int64:
                foreach (var v in MemoryMarshal.Cast<byte, long>(data))
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case DataType.Fp16:
                foreach (var v in MemoryMarshal.Cast<byte, Half>(data))
                {
                    WriteDouble(writer, (double)v);
                }

                break;
            case DataType.Bf16:
                foreach (var v in MemoryMarshal.Cast<byte, ushort>(data))
                {
                    WriteDouble(writer, BitConverter.Int32BitsToSingle(v << 16));
                }

                break;
            case DataType.Fp32:
                foreach (var v in MemoryMarshal.Cast<byte, float>(data))
                {
                    if (float.IsFinite(v))
                    {
                        writer.WriteNumberValue(v);
                    }
                    else
                    {
                        WriteNonFinite(writer, v);
                    }
                }

                break;
            case DataType.Fp64:
                foreach (var v in MemoryMarshal.Cast<byte, double>(data))
                {
                    WriteDouble(writer, v);
                }

                break;
            case DataType.Bytes:
                while (!data.IsEmpty)
                {
                    var element = BytesTensor.ReadElement(ref data);
                    if (Utf8.IsValid(element))
                    {
                        writer.WriteStringValue(element);
                    }
                    else
                    {
                        // JSON cannot carry arbitrary bytes; binary output is the lossless way.
                        writer.WriteStringValue(Encoding.UTF8.GetString(element));
                    }
                }

                break;
        }

        writer.WriteEndArray();
    }

    private static void WriteDouble(Utf8JsonWriter writer, double v)
    {
        if (double.IsFinite(v))
        {
            writer.WriteNumberValue(v);
        }
        else
        {
            WriteNonFinite(writer, v);
        }
    }

    // JSON has no NaN or infinities; write the tokens Python's json module (tritonclient) reads back.
    private static void WriteNonFinite(Utf8JsonWriter writer, double v) =>
        writer.WriteRawValue(double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity", skipInputValidation: true);
}
