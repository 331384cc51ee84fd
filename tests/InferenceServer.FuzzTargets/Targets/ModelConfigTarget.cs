using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Config;
using InferenceServer.FuzzTargets.Models;
using InferenceServer.FuzzTargets.Seeds;

namespace InferenceServer.FuzzTargets.Targets;

/// <summary>
/// The config.pbtxt parser, and what the repository loader builds from a parsed config before any backend
/// sees it: the signature (<see cref="ModelSignatureFactory"/>) and the version's scheduler and statistics
/// (<see cref="ModelVersion"/>). The documented outcomes are a <see cref="ConfigParseError"/> and a
/// <see cref="ModelLoadException"/> naming the field.
/// </summary>
internal sealed class ModelConfigTarget : IFuzzTarget
{
    public string Name => "pbtxt";

    public string Extension => ".pbtxt";

    public IReadOnlyList<(string Name, byte[] Bytes)> Seeds => ConfigSeeds.All;

    public string Execute(ReadOnlySpan<byte> input)
    {
        // As File.ReadAllText reads config.pbtxt: UTF-8 unless a byte order mark says otherwise.
        using var reader = new StreamReader(new MemoryStream(input.ToArray()), detectEncodingFromByteOrderMarks: true);
        var text = reader.ReadToEnd();
        if (!ProtoTextParser.TryParseModelConfig(text, "config.pbtxt", out var config, out var error))
        {
            if (string.IsNullOrWhiteSpace(error.Message) || error.Line < 1 || error.Column < 1)
            {
                throw new FuzzInvariantException($"a parse error without a message or position: {error}");
            }

            return "parse: " + OutcomeLabel.Of(error.Message);
        }

        try
        {
            var signature = ModelSignatureFactory.FromConfig(config);
            using var version = new ModelVersion(config.Name, 1, config, signature, new NoInstanceRuntime(config), TimeProvider.System);
            return OutcomeLabel.Accepted;
        }
        catch (ModelLoadException ex)
        {
            return "load: " + OutcomeLabel.Of(ex.Message);
        }
    }
}
