namespace InferenceServer.Hosting.Flags;

/// <summary>
/// A file's name without a folder (a marker looked for inside each version folder), so it cannot point outside
/// the folder it is looked for in; empty means none.
/// </summary>
internal sealed class FileNameValue : IFlagValue<string>
{
    public static readonly FileNameValue Instance = new();

    private FileNameValue()
    {
    }

    public string? Accepts => "a file name, without '/' or '\\'";

    public string? Parse(string flag, string text, out string value)
    {
        value = text;
        return text.IndexOfAny(['/', '\\']) >= 0 || text is "." or ".."
            ? $"--{flag} must be a file name, got '{text}'"
            : null;
    }

    public string Format(string value) => value.Length == 0 ? "(none)" : value;
}
