using System.Text.Json;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models.Config;

namespace InferenceServer.Protocols.Http;

/// <summary>
/// Reads the bodies of <c>POST /v2/repository/models/{m}/load</c> (brief §2.16): optional
/// <c>{"parameters": {"config": "&lt;ModelConfig as JSON&gt;"}}</c>, the config override validated like a config
/// file, its errors naming the field; and of <c>…/unload</c>: optional <c>{"parameters": {"unload_dependents": bool}}</c>.
/// </summary>
internal static class RepositoryControlJson
{
    public static InferenceError ReadLoadParameters(ReadOnlySpan<byte> body, string model, out global::Inference.ModelConfig? configOverride)
    {
        configOverride = null;
        if (body.Trim(" \t\r\n"u8).IsEmpty)
        {
            return InferenceError.None;
        }

        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return InferenceError.InvalidArgument("the load request body must be a JSON object");
            }

            if (!document.RootElement.TryGetProperty("parameters", out var parameters))
            {
                return InferenceError.None;
            }

            if (parameters.ValueKind != JsonValueKind.Object)
            {
                return InferenceError.InvalidArgument("load request 'parameters' must be an object");
            }

            var files = ModelLoadParameters.RefuseFiles(parameters.EnumerateObject().Select(p => p.Name));
            if (files.IsError)
            {
                return files;
            }

            if (!parameters.TryGetProperty("config", out var config))
            {
                return InferenceError.None;
            }

            if (config.ValueKind != JsonValueKind.String)
            {
                return InferenceError.InvalidArgument("load parameter 'config' must be a string holding the model configuration as JSON");
            }

            if (!ModelConfigJsonReader.TryReadModelConfig(config.GetString()!, $"config override for '{model}'", out configOverride, out var error))
            {
                return InferenceError.InvalidArgument($"failed to load '{model}': {error}");
            }

            return InferenceError.None;
        }
        catch (JsonException ex)
        {
            return InferenceError.InvalidArgument($"failed to parse the load request JSON: {ex.Message}");
        }
    }

    /// <summary>
    /// Reads the unload body's <c>unload_dependents</c> (false when absent): with it, the ensembles that call the model are
    /// unloaded too. A value that is not a boolean is refused, so a client's mistake is not silently ignored.
    /// </summary>
    public static InferenceError ReadUnloadParameters(ReadOnlySpan<byte> body, out bool unloadDependents)
    {
        unloadDependents = false;
        if (body.Trim(" \t\r\n"u8).IsEmpty)
        {
            return InferenceError.None;
        }

        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return InferenceError.InvalidArgument("the unload request body must be a JSON object");
            }

            if (!document.RootElement.TryGetProperty("parameters", out var parameters))
            {
                return InferenceError.None;
            }

            if (parameters.ValueKind != JsonValueKind.Object)
            {
                return InferenceError.InvalidArgument("unload request 'parameters' must be an object");
            }

            if (!parameters.TryGetProperty("unload_dependents", out var dependents))
            {
                return InferenceError.None;
            }

            if (dependents.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return InferenceError.InvalidArgument("unload parameter 'unload_dependents' must be true or false");
            }

            unloadDependents = dependents.GetBoolean();
            return InferenceError.None;
        }
        catch (JsonException ex)
        {
            return InferenceError.InvalidArgument($"failed to parse the unload request JSON: {ex.Message}");
        }
    }
}
