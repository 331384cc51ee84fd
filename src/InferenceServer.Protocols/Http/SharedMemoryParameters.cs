using System.Text.Json;
using InferenceServer.Core.Inference;
using InferenceServer.Core.SharedMemory;

namespace InferenceServer.Protocols.Http;

/// <summary>
/// A tensor's <c>shared_memory_region</c> (string), <c>shared_memory_offset</c> and <c>shared_memory_byte_size</c>
/// (unsigned integers) as the HTTP JSON carries them. Unknown <c>shared_memory_*</c> names are refused rather than
/// ignored: a misspelt offset would otherwise read the wrong bytes.
/// </summary>
internal struct SharedMemoryParameters
{
    public SharedMemoryParameters()
    {
    }

    public string? Region { get; private set; }

    public long Offset { get; private set; }

    /// <summary>-1 until given.</summary>
    public long ByteSize { get; private set; } = -1;

    public readonly SharedMemoryReference Reference => new(Region!, Offset, ByteSize);

    /// <summary>Reads the parameter the reader stands on (its name).</summary>
    public InferenceError Read(ref Utf8JsonReader reader, string tensor)
    {
        var isRegion = reader.ValueTextEquals(SharedMemoryTensors.RegionParameter);
        var isOffset = reader.ValueTextEquals(SharedMemoryTensors.OffsetParameter);
        var isSize = reader.ValueTextEquals(SharedMemoryTensors.ByteSizeParameter);
        var parameter = reader.GetString();
        reader.Read();
        if (isRegion)
        {
            if (reader.TokenType != JsonTokenType.String || reader.GetString() is not { Length: > 0 } region)
            {
                return InferenceError.InvalidArgument($"{tensor} {SharedMemoryTensors.RegionParameter} must be a non-empty string");
            }

            Region = region;
            return InferenceError.None;
        }

        if (!isOffset && !isSize)
        {
            return InferenceError.InvalidArgument($"{tensor} has an unknown shared memory parameter '{parameter}'");
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out var value) || value > long.MaxValue)
        {
            return InferenceError.InvalidArgument($"{tensor} {parameter} must be a non-negative integer");
        }

        if (isOffset)
        {
            Offset = (long)value;
        }
        else
        {
            ByteSize = (long)value;
        }

        return InferenceError.None;
    }
}
