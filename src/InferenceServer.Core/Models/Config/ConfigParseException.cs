namespace InferenceServer.Core.Models.Config;

/// <summary>
/// Thrown by the throwing entry points (<see cref="ProtoTextParser.ParseModelConfig(string, string)"/> and
/// <see cref="ModelConfigJsonReader.ReadModelConfig(string, string)"/>); the Try forms return the same
/// <see cref="ConfigParseError"/> as a value instead.
/// </summary>
public sealed class ConfigParseException : Exception
{
    public ConfigParseException(ConfigParseError error)
        : base(error.ToString())
    {
        Error = error;
    }

    public ConfigParseError Error { get; }
}
