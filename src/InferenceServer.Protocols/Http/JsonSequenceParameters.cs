using System.Text.Json;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Scheduling.Sequences;

namespace InferenceServer.Protocols.Http;

/// <summary>
/// Reads a request's sequence parameters as Triton's HTTP clients send them: <c>"sequence_id"</c> an unsigned integer or a
/// string, <c>"sequence_start"</c> and <c>"sequence_end"</c> booleans. Only a sequence model reads them.
/// </summary>
internal static class JsonSequenceParameters
{
    /// <summary>
    /// When the reader is on one of the sequence parameters' names, reads its value into <paramref name="request"/> and
    /// returns true (with <paramref name="error"/> set when the value is of the wrong kind); false for any other name.
    /// </summary>
    public static bool TryRead(ref Utf8JsonReader reader, InferenceRequest request, out InferenceError error)
    {
        error = InferenceError.None;
        if (reader.ValueTextEquals("sequence_id"u8))
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.String)
            {
                request.SequenceId = SequenceId.FromText(reader.GetString()!);
            }
            else if (reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out var number))
            {
                request.SequenceId = SequenceId.FromNumber(number);
            }
            else
            {
                error = InferenceError.InvalidArgument("parameter 'sequence_id' must be an unsigned integer or a string");
            }

            return true;
        }

        var start = reader.ValueTextEquals("sequence_start"u8);
        if (!start && !reader.ValueTextEquals("sequence_end"u8))
        {
            return false;
        }

        reader.Read();
        if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
        {
            error = InferenceError.InvalidArgument($"parameter '{(start ? "sequence_start" : "sequence_end")}' must be a boolean");
            return true;
        }

        if (start)
        {
            request.SequenceStart = reader.GetBoolean();
        }
        else
        {
            request.SequenceEnd = reader.GetBoolean();
        }

        return true;
    }
}
