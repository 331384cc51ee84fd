using System.Diagnostics.CodeAnalysis;
using Google.Protobuf;
using Inference;

namespace InferenceServer.Core.Models.Config;

/// <summary>
/// Parses protobuf text format (config.pbtxt) into generated messages, for any message type, by descriptor.
/// A malformed file is an expected outcome, so the Try forms report it as a <see cref="ConfigParseError"/>
/// carrying the source, line, column and field, e.g.
/// <c>config.pbtxt:12:3: unknown field 'max_batch_sizee' in inference.ModelConfig</c>.
/// </summary>
public static class ProtoTextParser
{
    /// <summary>Parses <paramref name="text"/> into a new <see cref="ModelConfig"/>.</summary>
    /// <param name="text">The whole file's text.</param>
    /// <param name="source">Path or label printed at the start of error messages.</param>
    public static bool TryParseModelConfig(
        string text,
        string source,
        [NotNullWhen(true)] out ModelConfig? config,
        [NotNullWhen(false)] out ConfigParseError? error)
    {
        var parsed = new ModelConfig();
        if (TryParse(text, source, parsed, out error))
        {
            config = parsed;
            return true;
        }

        config = null;
        return false;
    }

    /// <summary>
    /// Merges the fields in <paramref name="text"/> into <paramref name="target"/> (normally a new message).
    /// On failure <paramref name="target"/> holds whatever was read before the error and should be discarded.
    /// </summary>
    public static bool TryParse(string text, string source, IMessage target, [NotNullWhen(false)] out ConfigParseError? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        try
        {
            new ProtoTextReader(text, source).ReadInto(target);
            error = null;
            return true;
        }
        catch (ConfigParseException e)
        {
            error = e.Error;
            return false;
        }
    }

    /// <summary>Parses <paramref name="text"/> into a new <see cref="ModelConfig"/>.</summary>
    /// <exception cref="ConfigParseException">The text is not a valid <c>inference.ModelConfig</c>.</exception>
    public static ModelConfig ParseModelConfig(string text, string source) =>
        TryParseModelConfig(text, source, out var config, out var error) ? config : throw new ConfigParseException(error);
}
