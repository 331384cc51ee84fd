namespace InferenceServer.Protocols.Logging;

/// <summary>One value in a log-settings change, as both protocols carry it: a boolean, an unsigned number or a string.</summary>
public readonly record struct LogSetting(string Name, bool? Bool = null, ulong? Number = null, string? Text = null)
{
    public string Describe() => Bool is { } b ? (b ? "true" : "false") : Number is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : Text is { } t ? $"\"{t}\"" : "null";
}
