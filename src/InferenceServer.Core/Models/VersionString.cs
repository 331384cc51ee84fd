using System.Globalization;

namespace InferenceServer.Core.Models;

/// <summary>Parses the version a request names: "" means the policy decides; otherwise a non-negative integer.</summary>
public static class VersionString
{
    /// <summary>-1 for "" (latest ready); false for anything that is not a non-negative decimal integer.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out long version)
    {
        if (text.IsEmpty)
        {
            version = -1;
            return true;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                version = 0;
                return false;
            }
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }
}
