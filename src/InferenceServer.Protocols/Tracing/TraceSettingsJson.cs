using System.Text.Json;
using InferenceServer.Core.Tracing;

namespace InferenceServer.Protocols.Tracing;

/// <summary>
/// The HTTP form of the trace settings: Triton's object of strings, <c>trace_level</c> a list of strings. A change may
/// give numbers as JSON numbers too; a JSON null clears a model's setting.
/// </summary>
internal static class TraceSettingsJson
{
    public static void Write(Utf8JsonWriter writer, TraceSettings settings)
    {
        writer.WriteStartObject();
        writer.WriteStartArray(TraceSettingNames.Level);
        foreach (var level in TraceSettingValues.LevelNames(settings.Level))
        {
            writer.WriteStringValue(level);
        }

        writer.WriteEndArray();
        writer.WriteString(TraceSettingNames.Rate, TraceSettingValues.Number(settings.Rate));
        writer.WriteString(TraceSettingNames.Count, TraceSettingValues.Number(settings.Count));
        writer.WriteString(TraceSettingNames.LogFrequency, TraceSettingValues.Number(settings.LogFrequency));
        writer.WriteString(TraceSettingNames.File, settings.File);
        writer.WriteString(TraceSettingNames.Mode, TraceSettingValues.ModeName(settings.Mode));
        writer.WriteEndObject();
    }

    /// <summary>The changes in a request body; false with a message when it is not an object of settings.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, out List<TraceSettingChange> changes, out string error)
    {
        changes = [];
        error = "";
        if (body.IsEmpty)
        {
            return true;
        }

        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 4 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "the body must be a JSON object of trace settings";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                List<string>? values;
                switch (reader.TokenType)
                {
                    case JsonTokenType.Null:
                        values = null;
                        break;
                    case JsonTokenType.String:
                        values = [reader.GetString()!];
                        break;
                    case JsonTokenType.Number:
                        values = [System.Text.Encoding.UTF8.GetString(reader.ValueSpan)];
                        break;
                    case JsonTokenType.StartArray:
                        values = [];
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            if (reader.TokenType != JsonTokenType.String)
                            {
                                error = $"{name}: a list of settings holds strings only";
                                return false;
                            }

                            values.Add(reader.GetString()!);
                        }

                        break;
                    default:
                        error = $"{name}: must be a string, a list of strings or null";
                        return false;
                }

                changes.Add(new TraceSettingChange(name, values));
            }

            return true;
        }
        catch (JsonException ex)
        {
            error = $"the body is not valid JSON: {ex.Message}";
            return false;
        }
    }
}
