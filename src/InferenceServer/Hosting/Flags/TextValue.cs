namespace InferenceServer.Hosting.Flags;

/// <summary>Any text (paths, addresses, model names); empty means none.</summary>
internal sealed class TextValue : IFlagValue<string>
{
    public static readonly TextValue Instance = new();

    private TextValue()
    {
    }

    public string? Accepts => null;

    public string? Parse(string flag, string text, out string value)
    {
        value = text;
        return null;
    }

    public string Format(string value) => value.Length == 0 ? "(none)" : value;
}
