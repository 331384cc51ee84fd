using System.Diagnostics.CodeAnalysis;
using System.Text;
using Google.Protobuf;
using Inference;

namespace InferenceServer.Core.Models.Config;

/// <summary>
/// Reads a model configuration given as JSON (a load request's config override, or the output of
/// <see cref="ModelConfigJsonWriter"/>) so it can be validated like a config.pbtxt. Accepts the canonical form,
/// camelCase member names, and 64-bit integers as numbers or strings; errors carry the JSON path and field,
/// e.g. <c>override:1:15: $.input[0].data_type: unknown value 'TYPE_FP33' for field 'data_type' (inference.DataType)</c>.
/// </summary>
public static class ModelConfigJsonReader
{
    /// <summary>Reads UTF-8 JSON into a new <see cref="ModelConfig"/>.</summary>
    /// <param name="source">Path or label printed at the start of error messages.</param>
    public static bool TryReadModelConfig(
        ReadOnlySpan<byte> utf8Json,
        string source,
        [NotNullWhen(true)] out ModelConfig? config,
        [NotNullWhen(false)] out ConfigParseError? error)
    {
        var parsed = new ModelConfig();
        if (TryRead(utf8Json, source, parsed, out error))
        {
            config = parsed;
            return true;
        }

        config = null;
        return false;
    }

    /// <summary>Reads JSON text into a new <see cref="ModelConfig"/>.</summary>
    public static bool TryReadModelConfig(
        string json,
        string source,
        [NotNullWhen(true)] out ModelConfig? config,
        [NotNullWhen(false)] out ConfigParseError? error)
    {
        ArgumentNullException.ThrowIfNull(json);
        return TryReadModelConfig(Encoding.UTF8.GetBytes(json), source, out config, out error);
    }

    /// <summary>
    /// Merges the JSON object in <paramref name="utf8Json"/> into <paramref name="target"/> (normally a new message).
    /// On failure <paramref name="target"/> holds whatever was read before the error and should be discarded.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> utf8Json, string source, IMessage target, [NotNullWhen(false)] out ConfigParseError? error)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        try
        {
            new JsonMessageReader(utf8Json, source).ReadInto(target);
            error = null;
            return true;
        }
        catch (ConfigParseException e)
        {
            error = e.Error;
            return false;
        }
    }

    /// <summary>Reads JSON text into a new <see cref="ModelConfig"/>.</summary>
    /// <exception cref="ConfigParseException">The JSON is not a valid <c>inference.ModelConfig</c>.</exception>
    public static ModelConfig ReadModelConfig(string json, string source) =>
        TryReadModelConfig(json, source, out var config, out var error) ? config : throw new ConfigParseException(error);

    /// <summary>Reads UTF-8 JSON into a new <see cref="ModelConfig"/>.</summary>
    /// <exception cref="ConfigParseException">The JSON is not a valid <c>inference.ModelConfig</c>.</exception>
    public static ModelConfig ReadModelConfig(ReadOnlySpan<byte> utf8Json, string source) =>
        TryReadModelConfig(utf8Json, source, out var config, out var error) ? config : throw new ConfigParseException(error);
}
