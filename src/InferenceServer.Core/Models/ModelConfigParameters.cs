using Inference;

namespace InferenceServer.Core.Models;

/// <summary>
/// Typed reads of a config's <c>parameters { key: "…" value { string_value: "…" } }</c> switches; a value that
/// does not parse fails the load with a message naming the parameter.
/// </summary>
public static class ModelConfigParameters
{
    /// <summary><paramref name="key"/> as a boolean ("true"/"false", any case); <paramref name="absent"/> when the config does not set it.</summary>
    public static bool ReadBool(ModelConfig config, string key, bool absent)
    {
        if (!config.Parameters.TryGetValue(key, out var parameter))
        {
            return absent;
        }

        return bool.TryParse(parameter.StringValue, out var value)
            ? value
            : throw new ModelLoadException($"model '{config.Name}': parameter '{key}' must be \"true\" or \"false\", got '{parameter.StringValue}'");
    }
}
