using System.Buffers;
using System.Text.Json;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Protocols.Http;

/// <summary>
/// Writes an inference response:
/// <code>
/// | JSON (Inference-Header-Content-Length bytes) | blob of binary output i | blob of output j | ...
/// </code>
/// An output is binary when the request listed it with <c>binary_data: true</c>, or did not list it
/// and set <c>binary_data_output</c> (Triton's rule, brief §9). An output written into a shared-memory region carries
/// the region's parameters and no data. Blobs are copied to the wire straight
/// from the output buffers. With <c>Accept-Encoding</c> the whole body is compressed, and the header
/// length stays the uncompressed JSON length, as the clients expect.
/// </summary>
internal static class InferResponseWriter
{
    public const string HeaderLengthName = "Inference-Header-Content-Length";

    public static Task WriteAsync(HttpContext context, InferenceRequest request)
    {
        var version = request.Version!;
        var json = JsonResponseBuffer.Rent();
        var writer = json.Writer;
        long binaryBytes = 0;
        writer.WriteStartObject();
        writer.WriteString("model_name"u8, version.Name);
        writer.WriteString("model_version"u8, version.VersionString);
        if (request.Id.Length > 0)
        {
            writer.WriteString("id"u8, request.Id);
        }

        writer.WritePropertyName("outputs"u8);
        writer.WriteStartArray();
        foreach (var output in request.Outputs)
        {
            writer.WriteStartObject();
            writer.WriteString("name"u8, output.Name);
            writer.WriteString("datatype"u8, output.DataType.ToProtocolUtf8());
            writer.WritePropertyName("shape"u8);
            WriteShape(writer, output.Shape.Dimensions);
            if (output.SharedMemory is { } shm)
            {
                WriteSharedMemory(writer, shm, output.Data.Length);
            }
            else if (IsBinary(request, output.Spec))
            {
                writer.WritePropertyName("parameters"u8);
                writer.WriteStartObject();
                writer.WriteNumber("binary_data_size"u8, output.Data.Length);
                writer.WriteEndObject();
                binaryBytes += output.Data.Length;
            }
            else
            {
                writer.WritePropertyName("data"u8);
                JsonTensorWriter.WriteData(writer, output.DataType, output.Data.Span);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();

        var response = context.Response;
        response.StatusCode = 200;
        if (binaryBytes > 0)
        {
            response.ContentType = "application/octet-stream";
            response.Headers[HeaderLengthName] = json.Written.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            response.ContentType = HttpResponses.JsonContentType;
        }

        var encoding = ResponseEncoding.Choose(context.Request);
        if (encoding is not null)
        {
            return WriteCompressedAsync(context, request, json, encoding, binaryBytes > 0);
        }

        response.ContentLength = json.Written.Length + binaryBytes;
        var body = response.BodyWriter;
        body.Write(json.Written.Span);
        json.Return();
        if (binaryBytes > 0)
        {
            foreach (var output in request.Outputs)
            {
                if (output.SharedMemory is null && IsBinary(request, output.Spec))
                {
                    body.Write(output.Data.Span);
                }
            }
        }

        var flush = body.FlushAsync();
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
    }

    private static async Task WriteCompressedAsync(HttpContext context, InferenceRequest request, JsonResponseBuffer json, string encoding, bool hasBinary)
    {
        context.Response.Headers.ContentEncoding = encoding;
        var stream = ResponseEncoding.Wrap(encoding, context.Response.Body);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(json.Written).ConfigureAwait(false);
            json.Return();
            if (hasBinary)
            {
                foreach (var output in request.Outputs.ToArray())
                {
                    if (output.SharedMemory is null && IsBinary(request, output.Spec))
                    {
                        await stream.WriteAsync(output.Data).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    // Triton's answer for a shared-memory output: where it was written, and how many bytes; no data.
    private static void WriteSharedMemory(Utf8JsonWriter writer, Core.SharedMemory.SharedMemoryLease shm, int bytes)
    {
        writer.WritePropertyName("parameters"u8);
        writer.WriteStartObject();
        writer.WriteString("shared_memory_region"u8, shm.Region);
        writer.WriteNumber("shared_memory_offset"u8, shm.Offset);
        writer.WriteNumber("shared_memory_byte_size"u8, bytes);
        writer.WriteEndObject();
    }

    private static bool IsBinary(InferenceRequest request, TensorSpec spec)
    {
        foreach (var requested in request.RequestedOutputs)
        {
            if (ReferenceEquals(requested.Spec, spec))
            {
                return requested.Binary;
            }
        }

        return request.BinaryDataOutput;
    }

    public static void WriteShape(Utf8JsonWriter writer, ReadOnlySpan<long> dims)
    {
        writer.WriteStartArray();
        foreach (var d in dims)
        {
            writer.WriteNumberValue(d);
        }

        writer.WriteEndArray();
    }
}
