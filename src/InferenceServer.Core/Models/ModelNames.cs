using InferenceServer.Core.Inference;

namespace InferenceServer.Core.Models;

/// <summary>
/// What a model name may be where a caller supplies one for a control call (load, unload, traffic): a single
/// folder name under the repository — never a path. Repository loads are where path traversal bites (a load with a
/// config override does not need the folder to exist), so names are checked before anything touches the disk.
/// </summary>
public static class ModelNames
{
    public const int MaxLength = 255;

    public static InferenceError Check(string name)
    {
        if (name.Length == 0 || name.Length > MaxLength)
        {
            return InferenceError.InvalidArgument($"a model name is 1 to {MaxLength} characters, got {name.Length}");
        }

        if (name is "." or ".." || name[0] == '.')
        {
            return InferenceError.InvalidArgument($"model name '{name}' must not start with '.' (hidden folders and '..' are not models)");
        }

        foreach (var c in name)
        {
            if (c is '/' or '\\' or ':' || char.IsControl(c))
            {
                return InferenceError.InvalidArgument($"model name '{Printable(name)}' must be a folder name: no '/', '\\', ':' or control characters");
            }
        }

        return InferenceError.None;
    }

    /// <summary>
    /// <paramref name="text"/> as it may appear in an error message: control characters escaped and at most
    /// <paramref name="maxLength"/> characters kept, so a hostile name cannot forge log lines or inflate answers.
    /// </summary>
    public static string Printable(ReadOnlySpan<char> text, int maxLength = 80)
    {
        var builder = new System.Text.StringBuilder(Math.Min(text.Length, maxLength) + 8);
        foreach (var c in text[..Math.Min(text.Length, maxLength)])
        {
            if (char.IsControl(c))
            {
                builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return text.Length > maxLength ? builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"… ({text.Length} characters)").ToString() : builder.ToString();
    }
}
