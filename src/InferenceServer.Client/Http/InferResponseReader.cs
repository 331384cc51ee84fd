using System.Buffers;
using System.Text.Json;
using InferenceServer.Client.Buffers;
using InferenceServer.Client.Tensors;

namespace InferenceServer.Client.Http;

/// <summary>
/// Reads a KServe v2 HTTP inference response from the pooled buffer its body was received into:
/// <code>
/// | {"model_name":..,"model_version":..,"id":..,"outputs":[{"name":..,"datatype":..,"shape":[..],"parameters":{"binary_data_size":N0}},..]} | N0 bytes | ..
/// </code>
/// When every output is binary, the result keeps that buffer and its outputs are slices of it (no copy). An output
/// with JSON <c>"data"</c> is decoded into a second pooled buffer, with any binary ones copied beside it.
/// </summary>
internal static class InferResponseReader
{
    /// <param name="body">A rented array holding the body in its first <paramref name="length"/> bytes; owned by the result afterwards (or returned).</param>
    /// <param name="headerLength">The JSON header's length (<c>Inference-Header-Content-Length</c>), the whole body when absent.</param>
    public static InferResult Read(byte[] body, int length, int headerLength)
    {
        try
        {
            return ReadCore(body, length, headerLength);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(body);
            throw;
        }
    }

    private static InferResult ReadCore(byte[] body, int length, int headerLength)
    {
        if ((uint)headerLength > (uint)length)
        {
            throw new InvalidDataException($"Inference-Header-Content-Length {headerLength} is past the body's {length} bytes");
        }

        var reader = new Utf8JsonReader(body.AsSpan(0, headerLength));
        string modelName = "", modelVersion = "", id = "";
        var outputs = new List<PendingOutput>();
        Expect(ref reader, JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model_name"u8))
            {
                modelName = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("model_version"u8))
            {
                modelVersion = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                id = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("outputs"u8))
            {
                Expect(ref reader, JsonTokenType.StartArray);
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    outputs.Add(ReadOutput(ref reader));
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        var binaryTotal = 0L;
        var allBinary = true;
        foreach (var output in outputs)
        {
            binaryTotal += Math.Max(0, output.BinarySize);
            allBinary &= output.BinarySize >= 0;
        }

        if (headerLength + binaryTotal != length)
        {
            throw new InvalidDataException($"the response's binary outputs add up to {binaryTotal} bytes, but {length - headerLength} follow its header");
        }

        var results = new InferOutput[outputs.Count];
        if (allBinary)
        {
            var offset = headerLength;
            for (var i = 0; i < results.Length; i++)
            {
                var output = outputs[i];
                results[i] = new InferOutput(output.Name, output.DataType, output.Shape, offset, (int)output.BinarySize);
                offset += (int)output.BinarySize;
            }

            return new InferResult(modelName, modelVersion, id, results, body);
        }

        var decoded = new PooledBufferWriter((int)binaryTotal + 256);
        try
        {
            var blob = headerLength;
            for (var i = 0; i < results.Length; i++)
            {
                var output = outputs[i];
                var start = decoded.WrittenCount;
                if (output.BinarySize >= 0)
                {
                    var size = (int)output.BinarySize;
                    body.AsSpan(blob, size).CopyTo(decoded.GetSpan(size));
                    decoded.Advance(size);
                    blob += size;
                }
                else if (output.DataEnd > output.DataStart)
                {
                    JsonTensorData.Read(body.AsSpan(output.DataStart, output.DataEnd - output.DataStart), output.DataType, decoded);
                }

                results[i] = new InferOutput(output.Name, output.DataType, output.Shape, start, decoded.WrittenCount - start);
            }

            ArrayPool<byte>.Shared.Return(body);
            return new InferResult(modelName, modelVersion, id, results, decoded.Detach());
        }
        finally
        {
            decoded.Dispose();
        }
    }

    private static PendingOutput ReadOutput(ref Utf8JsonReader reader)
    {
        string name = "", dataType = "";
        long[] shape = [];
        long binarySize = -1;
        int dataStart = 0, dataEnd = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                name = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("datatype"u8))
            {
                reader.Read();
                dataType = KnownDataType(ref reader) ?? reader.GetString() ?? "";
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                shape = ReadShape(ref reader);
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                Expect(ref reader, JsonTokenType.StartObject);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isSize = reader.ValueTextEquals("binary_data_size"u8);
                    reader.Read();
                    if (isSize)
                    {
                        binarySize = reader.GetInt64();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                dataStart = (int)reader.TokenStartIndex;
                reader.Skip();
                dataEnd = (int)reader.BytesConsumed;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new PendingOutput(name, dataType, shape, binarySize, dataStart, dataEnd);
    }

    private static long[] ReadShape(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        Span<long> dims = stackalloc long[16];
        var count = 0;
        List<long>? more = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.Number)
        {
            var dim = reader.GetInt64();
            if (count < dims.Length)
            {
                dims[count] = dim;
            }
            else
            {
                more ??= [];
                more.Add(dim);
            }

            count++;
        }

        if (more is null)
        {
            return dims[..count].ToArray();
        }

        var shape = new long[count];
        dims.CopyTo(shape);
        more.CopyTo(shape, dims.Length);
        return shape;
    }

    /// <summary>The protocol's datatype names as their constants, so reading one allocates nothing.</summary>
    private static string? KnownDataType(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("FP32"u8) ? TensorDataType.Fp32
        : reader.ValueTextEquals("INT32"u8) ? TensorDataType.Int32
        : reader.ValueTextEquals("INT64"u8) ? TensorDataType.Int64
        : reader.ValueTextEquals("FP16"u8) ? TensorDataType.Fp16
        : reader.ValueTextEquals("BYTES"u8) ? TensorDataType.Bytes
        : reader.ValueTextEquals("UINT8"u8) ? TensorDataType.UInt8
        : reader.ValueTextEquals("BOOL"u8) ? TensorDataType.Bool
        : reader.ValueTextEquals("FP64"u8) ? TensorDataType.Fp64
        : reader.ValueTextEquals("BF16"u8) ? TensorDataType.BFloat16
        : reader.ValueTextEquals("INT8"u8) ? TensorDataType.Int8
        : reader.ValueTextEquals("INT16"u8) ? TensorDataType.Int16
        : reader.ValueTextEquals("UINT16"u8) ? TensorDataType.UInt16
        : reader.ValueTextEquals("UINT32"u8) ? TensorDataType.UInt32
        : reader.ValueTextEquals("UINT64"u8) ? TensorDataType.UInt64
        : null;

    private static string ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Null ? "" : reader.GetString() ?? "";
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (!reader.Read() || reader.TokenType != token)
        {
            throw new InvalidDataException($"the inference response's JSON has {reader.TokenType} where {token} belongs");
        }
    }

    private readonly record struct PendingOutput(string Name, string DataType, long[] Shape, long BinarySize, int DataStart, int DataEnd);
}
