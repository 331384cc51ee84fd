using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using InferenceServer.LoadTool.Data;

namespace InferenceServer.LoadTool.Requests;

/// <summary>
/// Builds KServe v2 HTTP inference bodies. JSON tensors put every value in <c>"data"</c>. The binary tensor
/// extension sends a JSON header, then each input's raw bytes in input order, no padding:
/// <code>
/// | {"inputs":[{"name":..,"datatype":..,"shape":[..],"parameters":{"binary_data_size":N0}},..],"parameters":{"binary_data_output":true}} | N0 bytes | N1 bytes | ..
/// </code>
/// with <c>Inference-Header-Content-Length</c> giving the header's length; outputs come back binary too, as
/// perf_analyzer asks for them.
/// </summary>
internal static class HttpRequestBodies
{
    public static HttpRequestBody Binary(IReadOnlyList<InputTensor> inputs)
    {
        var header = WriteJson(inputs, binary: true);
        var body = new byte[header.WrittenCount + inputs.Sum(i => i.Raw.Length)];
        header.WrittenSpan.CopyTo(body);
        var offset = header.WrittenCount;
        foreach (var input in inputs)
        {
            input.Raw.CopyTo(body, offset);
            offset += input.Raw.Length;
        }

        return new HttpRequestBody(body, header.WrittenCount);
    }

    public static HttpRequestBody Json(IReadOnlyList<InputTensor> inputs) =>
        new(WriteJson(inputs, binary: false).WrittenSpan.ToArray(), null);

    /// <summary>
    /// The JSON object: each input's name, datatype and shape, then its <c>binary_data_size</c> (the binary
    /// extension's header, which also asks for binary outputs) or its values in <c>"data"</c>.
    /// </summary>
    private static ArrayBufferWriter<byte> WriteJson(IReadOnlyList<InputTensor> inputs, bool binary)
    {
        var json = new ArrayBufferWriter<byte>(binary ? 256 : 1024);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("inputs"u8);
            foreach (var input in inputs)
            {
                writer.WriteStartObject();
                writer.WriteString("name"u8, input.Name);
                writer.WriteString("datatype"u8, input.DataType);
                writer.WriteStartArray("shape"u8);
                foreach (var dim in input.Shape)
                {
                    writer.WriteNumberValue(dim);
                }

                writer.WriteEndArray();
                if (binary)
                {
                    writer.WriteStartObject("parameters"u8);
                    writer.WriteNumber("binary_data_size"u8, input.Raw.Length);
                    writer.WriteEndObject();
                }
                else
                {
                    writer.WriteStartArray("data"u8);
                    WriteValues(writer, input);
                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (binary)
            {
                writer.WriteStartObject("parameters"u8);
                writer.WriteBoolean("binary_data_output"u8, true);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return json;
    }

    /// <summary>The raw elements as JSON values: numbers, booleans for BOOL, UTF-8 strings for BYTES.</summary>
    internal static void WriteValues(Utf8JsonWriter writer, InputTensor input)
    {
        ReadOnlySpan<byte> raw = input.Raw;
        if (input.DataType == DataTypes.Bytes)
        {
            while (raw.Length > 0)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(raw);
                writer.WriteStringValue(raw.Slice(4, length));
                raw = raw[(4 + length)..];
            }

            return;
        }

        var size = DataTypes.ElementSize(input.DataType);
        for (var offset = 0; offset < raw.Length; offset += size)
        {
            var element = raw.Slice(offset, size);
            switch (input.DataType)
            {
                case "BOOL": writer.WriteBooleanValue(element[0] != 0); break;
                case "UINT8": writer.WriteNumberValue(element[0]); break;
                case "INT8": writer.WriteNumberValue((sbyte)element[0]); break;
                case "UINT16": writer.WriteNumberValue(BinaryPrimitives.ReadUInt16LittleEndian(element)); break;
                case "INT16": writer.WriteNumberValue(BinaryPrimitives.ReadInt16LittleEndian(element)); break;
                case "UINT32": writer.WriteNumberValue(BinaryPrimitives.ReadUInt32LittleEndian(element)); break;
                case "INT32": writer.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(element)); break;
                case "UINT64": writer.WriteNumberValue(BinaryPrimitives.ReadUInt64LittleEndian(element)); break;
                case "INT64": writer.WriteNumberValue(BinaryPrimitives.ReadInt64LittleEndian(element)); break;
                case "FP16": writer.WriteNumberValue((float)BinaryPrimitives.ReadHalfLittleEndian(element)); break;
                case "BF16": writer.WriteNumberValue(BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(element) << 16)); break;
                case "FP32": writer.WriteNumberValue(BinaryPrimitives.ReadSingleLittleEndian(element)); break;
                case "FP64": writer.WriteNumberValue(BinaryPrimitives.ReadDoubleLittleEndian(element)); break;
                default: throw new InvalidOperationException($"datatype '{input.DataType}' has no JSON form");
            }
        }
    }
}
