using System.Buffers;
using System.Text.Json;

namespace InferenceServer.Core.Capture;

/// <summary>
/// The capture file, JSON Lines (docs/request-capture.md): a header line, then one line per request.
/// <code>
/// {"format":"inference-server-capture","version":1,"model":"simple","sample_rate":1,"dropped_inputs":[],"hashed_inputs":[],"started_utc":"..."}
/// {"offset_us":0,"model":"simple","version":"1","inputs":[{"name":"INPUT0","datatype":"INT32","shape":[1,16],"data":"AAAA..."}]}
/// {"offset_us":1250,"model":"simple","version":"1","inputs":[{"name":"INPUT0","datatype":"INT32","shape":[1,16],"sha256":"9f86...","byte_size":64}]}
/// </code>
/// <c>data</c> is the tensor's raw bytes in base64 (little-endian elements; BYTES as 4-byte length + bytes per element).
/// </summary>
internal static class CaptureFileFormat
{
    public const string FormatName = "inference-server-capture";
    public const int Version = 1;

    public static void WriteHeader(IBufferWriter<byte> output, RequestCaptureSettings settings, DateTimeOffset started)
    {
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteString("format", FormatName);
            json.WriteNumber("version", Version);
            json.WriteString("model", settings.Model);
            json.WriteNumber("sample_rate", settings.SampleRate);
            WriteNames(json, "dropped_inputs", settings.DroppedInputs);
            WriteNames(json, "hashed_inputs", settings.HashedInputs);
            json.WriteString("started_utc", started.UtcDateTime);
            json.WriteEndObject();
        }

        output.Write("\n"u8);
    }

    public static void WriteRecord(IBufferWriter<byte> output, CapturedRequest request)
    {
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteNumber("offset_us", request.OffsetMicroseconds);
            json.WriteString("model", request.Model);
            json.WriteString("version", request.Version);
            json.WriteStartArray("inputs");
            foreach (var input in request.Inputs)
            {
                json.WriteStartObject();
                json.WriteString("name", input.Name);
                json.WriteString("datatype", input.DataType);
                json.WriteStartArray("shape");
                foreach (var dim in input.Shape)
                {
                    json.WriteNumberValue(dim);
                }

                json.WriteEndArray();
                if (input.Data is { } data)
                {
                    json.WriteBase64String("data", data);
                }
                else
                {
                    json.WriteString("sha256", input.Sha256);
                    json.WriteNumber("byte_size", input.ByteSize);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        output.Write("\n"u8);
    }

    private static void WriteNames(Utf8JsonWriter json, string property, IReadOnlySet<string> names)
    {
        json.WriteStartArray(property);
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            json.WriteStringValue(name);
        }

        json.WriteEndArray();
    }
}
