using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using InferenceServer.Client.Tensors;

namespace InferenceServer.Client.Http;

/// <summary>
/// Tensor elements as a JSON <c>data</c> array and back: numbers, booleans for BOOL, UTF-8 strings for BYTES; FP16 and
/// BF16 as the numbers they stand for. Wire bytes are little-endian, row-major (BYTES length-prefixed).
/// </summary>
internal static class JsonTensorData
{
    public static void Write(Utf8JsonWriter writer, string dataType, ReadOnlySpan<byte> raw)
    {
        writer.WriteStartArray();
        if (dataType == TensorDataType.Bytes)
        {
            while (raw.Length >= 4)
            {
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(raw);
                writer.WriteStringValue(raw.Slice(4, length));
                raw = raw[(4 + length)..];
            }

            writer.WriteEndArray();
            return;
        }

        var size = TensorDataType.ElementSize(dataType);
        for (var offset = 0; offset + size <= raw.Length; offset += size)
        {
            var element = raw.Slice(offset, size);
            switch (dataType)
            {
                case TensorDataType.Bool: writer.WriteBooleanValue(element[0] != 0); break;
                case TensorDataType.UInt8: writer.WriteNumberValue(element[0]); break;
                case TensorDataType.Int8: writer.WriteNumberValue((sbyte)element[0]); break;
                case TensorDataType.UInt16: writer.WriteNumberValue(BinaryPrimitives.ReadUInt16LittleEndian(element)); break;
                case TensorDataType.Int16: writer.WriteNumberValue(BinaryPrimitives.ReadInt16LittleEndian(element)); break;
                case TensorDataType.UInt32: writer.WriteNumberValue(BinaryPrimitives.ReadUInt32LittleEndian(element)); break;
                case TensorDataType.Int32: writer.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(element)); break;
                case TensorDataType.UInt64: writer.WriteNumberValue(BinaryPrimitives.ReadUInt64LittleEndian(element)); break;
                case TensorDataType.Int64: writer.WriteNumberValue(BinaryPrimitives.ReadInt64LittleEndian(element)); break;
                case TensorDataType.Fp16: writer.WriteNumberValue((float)BinaryPrimitives.ReadHalfLittleEndian(element)); break;
                case TensorDataType.BFloat16: writer.WriteNumberValue(BFloat16.FromBits(BinaryPrimitives.ReadUInt16LittleEndian(element)).ToSingle()); break;
                case TensorDataType.Fp32: writer.WriteNumberValue(BinaryPrimitives.ReadSingleLittleEndian(element)); break;
                case TensorDataType.Fp64: writer.WriteNumberValue(BinaryPrimitives.ReadDoubleLittleEndian(element)); break;
                default: throw new ArgumentException($"datatype '{dataType}' has no JSON form");
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>Reads a (possibly nested) JSON array of elements into wire bytes appended to <paramref name="output"/>.</summary>
    public static void Read(ReadOnlySpan<byte> json, string dataType, IBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(json);
        var size = TensorDataType.ElementSize(dataType);
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.EndArray)
            {
                continue;
            }

            if (dataType == TensorDataType.Bytes)
            {
                var text = reader.ValueIsEscaped ? System.Text.Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan.ToArray();
                var span = output.GetSpan(4 + text.Length);
                BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)text.Length);
                text.CopyTo(span[4..]);
                output.Advance(4 + text.Length);
                continue;
            }

            var element = output.GetSpan(size);
            switch (dataType)
            {
                case TensorDataType.Bool: element[0] = reader.GetBoolean() ? (byte)1 : (byte)0; break;
                case TensorDataType.UInt8: element[0] = reader.GetByte(); break;
                case TensorDataType.Int8: element[0] = (byte)reader.GetSByte(); break;
                case TensorDataType.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(element, reader.GetUInt16()); break;
                case TensorDataType.Int16: BinaryPrimitives.WriteInt16LittleEndian(element, reader.GetInt16()); break;
                case TensorDataType.UInt32: BinaryPrimitives.WriteUInt32LittleEndian(element, reader.GetUInt32()); break;
                case TensorDataType.Int32: BinaryPrimitives.WriteInt32LittleEndian(element, reader.GetInt32()); break;
                case TensorDataType.UInt64: BinaryPrimitives.WriteUInt64LittleEndian(element, reader.GetUInt64()); break;
                case TensorDataType.Int64: BinaryPrimitives.WriteInt64LittleEndian(element, reader.GetInt64()); break;
                case TensorDataType.Fp16: BinaryPrimitives.WriteHalfLittleEndian(element, (Half)reader.GetDouble()); break;
                case TensorDataType.BFloat16: BinaryPrimitives.WriteUInt16LittleEndian(element, BFloat16.FromSingle((float)reader.GetDouble()).Bits); break;
                case TensorDataType.Fp32: BinaryPrimitives.WriteSingleLittleEndian(element, reader.GetSingle()); break;
                case TensorDataType.Fp64: BinaryPrimitives.WriteDoubleLittleEndian(element, reader.GetDouble()); break;
                default: throw new InvalidDataException($"datatype '{dataType}' has no JSON form");
            }

            output.Advance(size);
        }
    }
}
