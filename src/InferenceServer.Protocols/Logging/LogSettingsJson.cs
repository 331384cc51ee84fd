using System.Text.Json;

namespace InferenceServer.Protocols.Logging;

/// <summary>The HTTP form of <see cref="LogSettings"/>: Triton's <c>/v2/logging</c> JSON object.</summary>
internal static class LogSettingsJson
{
    public static void Write(Utf8JsonWriter writer, LogSettings.Snapshot settings)
    {
        writer.WriteStartObject();
        writer.WriteString("log_file"u8, "");
        writer.WriteBoolean("log_info"u8, settings.Info);
        writer.WriteBoolean("log_warning"u8, settings.Warning);
        writer.WriteBoolean("log_error"u8, settings.Error);
        writer.WriteNumber("log_verbose_level"u8, settings.VerboseLevel);
        writer.WriteString("log_format"u8, LogSettings.Format);
        writer.WriteEndObject();
    }

    /// <summary>The changes in a request body (a JSON object of settings); false with a message when it is not one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, out List<LogSetting> changes, out string error)
    {
        changes = [];
        error = "";
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 4 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "the body must be a JSON object of log settings";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                changes.Add(reader.TokenType switch
                {
                    JsonTokenType.True or JsonTokenType.False => new LogSetting(name, Bool: reader.GetBoolean()),
                    JsonTokenType.Number when reader.TryGetUInt64(out var number) => new LogSetting(name, Number: number),
                    JsonTokenType.String => new LogSetting(name, Text: reader.GetString()),
                    _ => new LogSetting(name),
                });
                reader.Skip();
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
