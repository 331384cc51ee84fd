namespace InferenceServer.Hosting.Flags;

/// <summary>true/false, also 1/0, yes/no, on/off (any case); a bare flag on the command line means true.</summary>
internal sealed class BoolValue : IFlagValue<bool>
{
    public static readonly BoolValue Instance = new();

    private BoolValue()
    {
    }

    // Every flag of this kind says true or false in its help line already.
    public string? Accepts => null;

    public string? Parse(string flag, string text, out bool value)
    {
        switch (text.ToLowerInvariant())
        {
            case "true" or "1" or "yes" or "on":
                value = true;
                return null;
            case "false" or "0" or "no" or "off":
                value = false;
                return null;
            default:
                value = false;
                return $"--{flag} must be true or false, got '{text}'";
        }
    }

    public string Format(bool value) => value ? "true" : "false";
}
