using System.Text.Json;
using InferenceServer.Core.Inference;
using InferenceServer.Core.SharedMemory;

namespace InferenceServer.Protocols.Http;

/// <summary>
/// The JSON of the shared-memory extensions (brief §2.13): a system registration <c>{"key", "offset"?, "byte_size"}</c>,
/// a CUDA one <c>{"raw_handle": {"b64"}, "device_id", "byte_size"}</c>, and the status arrays.
/// </summary>
internal static class SharedMemoryJson
{
    /// <summary>A registration body's fields; what a kind does not use stays at its default.</summary>
    public readonly record struct Registration(string Key, ulong Offset, ulong ByteSize, byte[] RawHandle, long DeviceId);

    public static InferenceError TryReadRegistration(ReadOnlySpan<byte> body, SharedMemoryKind kind, out Registration registration)
    {
        registration = default;
        string? key = null;
        ulong offset = 0, byteSize = 0;
        long deviceId = 0;
        byte[]? rawHandle = null;
        var sawSize = false;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return InferenceError.InvalidArgument("the registration body must be a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.GetString()!;
                reader.Read();
                switch (field)
                {
                    case "key" when kind == SharedMemoryKind.System:
                        key = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        if (key is null)
                        {
                            return InferenceError.InvalidArgument("registration 'key' must be a string");
                        }

                        break;
                    case "offset" when kind == SharedMemoryKind.System:
                        if (!TryUnsigned(ref reader, out offset))
                        {
                            return InferenceError.InvalidArgument("registration 'offset' must be a non-negative integer");
                        }

                        break;
                    case "byte_size":
                        if (!TryUnsigned(ref reader, out byteSize))
                        {
                            return InferenceError.InvalidArgument("registration 'byte_size' must be a non-negative integer");
                        }

                        sawSize = true;
                        break;
                    case "device_id" when kind == SharedMemoryKind.Cuda:
                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out deviceId) || deviceId < 0)
                        {
                            return InferenceError.InvalidArgument("registration 'device_id' must be a non-negative integer");
                        }

                        break;
                    case "raw_handle" when kind == SharedMemoryKind.Cuda:
                        var error = ReadRawHandle(ref reader, out rawHandle);
                        if (error.IsError)
                        {
                            return error;
                        }

                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            return InferenceError.InvalidArgument($"failed to parse the registration JSON: {ex.Message}");
        }

        if (!sawSize)
        {
            return InferenceError.InvalidArgument("the registration needs 'byte_size'");
        }

        if (kind == SharedMemoryKind.System && key is null)
        {
            return InferenceError.InvalidArgument("the registration needs 'key'");
        }

        if (kind == SharedMemoryKind.Cuda && rawHandle is null)
        {
            return InferenceError.InvalidArgument("the registration needs 'raw_handle': {\"b64\": <base64 of the cudaIpcMemHandle_t>}");
        }

        registration = new Registration(key ?? "", offset, byteSize, rawHandle ?? [], deviceId);
        return InferenceError.None;
    }

    public static void WriteStatus(Utf8JsonWriter writer, IReadOnlyList<SharedMemoryRegionStatus> regions)
    {
        writer.WriteStartArray();
        foreach (var region in regions)
        {
            writer.WriteStartObject();
            writer.WriteString("name"u8, region.Name);
            if (region.Kind == SharedMemoryKind.System)
            {
                writer.WriteString("key"u8, region.Key);
                writer.WriteNumber("offset"u8, region.Offset);
            }
            else
            {
                writer.WriteNumber("device_id"u8, region.DeviceId);
            }

            writer.WriteNumber("byte_size"u8, region.ByteSize);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static bool TryUnsigned(ref Utf8JsonReader reader, out ulong value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out value);
    }

    private static InferenceError ReadRawHandle(ref Utf8JsonReader reader, out byte[]? rawHandle)
    {
        rawHandle = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return InferenceError.InvalidArgument("registration 'raw_handle' must be an object {\"b64\": <base64>}");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isB64 = reader.ValueTextEquals("b64"u8);
            reader.Read();
            if (!isB64)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType != JsonTokenType.String || !reader.TryGetBytesFromBase64(out rawHandle))
            {
                return InferenceError.InvalidArgument("registration 'raw_handle.b64' must be base64");
            }
        }

        return rawHandle is null ? InferenceError.InvalidArgument("registration 'raw_handle' needs 'b64'") : InferenceError.None;
    }
}
