using System.Text.Json;

namespace InferenceServer.Protocols.Http;

/// <summary>
/// Finds the request parameter <c>routing_key</c> (<c>{"parameters": {"routing_key": "…"}}</c>) in an infer
/// request's JSON before the request is parsed for a model: sticky routing must pick the version first. Used
/// only for models with a canary policy and requests without an <c>x-routing-key</c> header. Malformed JSON
/// finds nothing here; the full parse reports it.
/// </summary>
internal static class RoutingKeyScanner
{
    public static string? Find(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 100 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isParameters = reader.ValueTextEquals("parameters"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isParameters && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isKey = reader.ValueTextEquals("routing_key"u8);
                        if (!reader.Read())
                        {
                            return null;
                        }

                        if (isKey)
                        {
                            return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        }

                        reader.Skip();
                    }

                    return null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}
