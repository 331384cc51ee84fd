using System.IO.Compression;
using System.Net;
using System.Text.Json;
using InferenceServer.Client.Buffers;

namespace InferenceServer.Client.Http;

/// <summary>
/// A KServe v2 HTTP inference body, written straight to the connection. With the binary tensor extension:
/// <code>
/// | {"id":..,"parameters":{..,"binary_data_output":true},"inputs":[{"name":..,"datatype":..,"shape":[..],"parameters":{"binary_data_size":N0}},..],"outputs":[..]} | N0 bytes | N1 bytes | ..
/// </code>
/// the header's length in <c>Inference-Header-Content-Length</c>, and each input's bytes copied from the request's
/// memory to the socket with no intermediate buffer. As JSON, every input's values are in its <c>"data"</c>.
/// The header is written into a pooled buffer, returned when the content is disposed.
/// </summary>
internal sealed class InferRequestBody : HttpContent
{
    public const string HeaderLengthName = "Inference-Header-Content-Length";

    [ThreadStatic]
    private static Utf8JsonWriter? _threadWriter;

    private readonly InferRequest _request;
    private readonly bool _binary;
    private readonly bool _compress;
    private readonly byte[] _header;

    public InferRequestBody(InferRequest request, bool binary, bool compress)
    {
        _request = request;
        _binary = binary;
        _compress = compress;
        _header = binary
            ? request.HttpBinaryHeader ??= WriteHeader(request, binary: true)
            : request.HttpJsonHeader ??= WriteHeader(request, binary: false);
        Headers.TryAddWithoutValidation("Content-Type", binary ? "application/octet-stream" : "application/json");
        if (binary)
        {
            Headers.TryAddWithoutValidation(HeaderLengthName, _header.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (compress)
        {
            Headers.TryAddWithoutValidation("Content-Encoding", "gzip");
        }
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (_compress)
        {
            var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true);
            await using (gzip.ConfigureAwait(false))
            {
                await WriteAsync(gzip, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        await WriteAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = _header.Length;
        if (_compress)
        {
            return false;
        }

        if (_binary)
        {
            foreach (var input in _request.Inputs)
            {
                length += input.Data.Length;
            }
        }

        return true;
    }

    private async Task WriteAsync(Stream stream, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(_header, cancellationToken).ConfigureAwait(false);
        if (_binary)
        {
            foreach (var input in _request.Inputs)
            {
                await stream.WriteAsync(input.Data, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static byte[] WriteHeader(InferRequest request, bool binary)
    {
        using var header = new PooledBufferWriter(binary ? 256 : 1024);
        var writer = _threadWriter;
        if (writer is null)
        {
            writer = _threadWriter = new Utf8JsonWriter(header);
        }
        else
        {
            writer.Reset(header);
        }

        try
        {
            writer.WriteStartObject();
            if (request.Id.Length > 0)
            {
                writer.WriteString("id"u8, request.Id);
            }

            WriteParameters(writer, request, binary);
            writer.WriteStartArray("inputs"u8);
            foreach (var input in request.Inputs)
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
                    writer.WriteNumber("binary_data_size"u8, input.Data.Length);
                    writer.WriteEndObject();
                }
                else
                {
                    writer.WritePropertyName("data"u8);
                    JsonTensorData.Write(writer, input.DataType, input.Data.Span);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (request.RequestedOutputs.Count > 0)
            {
                writer.WriteStartArray("outputs"u8);
                foreach (var output in request.RequestedOutputs)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name"u8, output);
                    writer.WriteStartObject("parameters"u8);
                    writer.WriteBoolean("binary_data"u8, binary);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            writer.Flush();
            return header.WrittenSpan.ToArray();
        }
        finally
        {
            // The cached writer must not keep the pooled buffer alive or write to it later.
            writer.Reset(Stream.Null);
        }
    }

    private static void WriteParameters(Utf8JsonWriter writer, InferRequest request, bool binary)
    {
        if (request.Parameters.Count == 0 && !binary)
        {
            return;
        }

        writer.WriteStartObject("parameters"u8);
        foreach (var parameter in request.Parameters)
        {
            if (parameter.StringValue is { } text)
            {
                writer.WriteString(parameter.Name, text);
            }
            else if (parameter.BoolValue is { } flag)
            {
                writer.WriteBoolean(parameter.Name, flag);
            }
            else
            {
                writer.WriteNumber(parameter.Name, parameter.Int64Value);
            }
        }

        if (binary)
        {
            writer.WriteBoolean("binary_data_output"u8, true);
        }

        writer.WriteEndObject();
    }
}
