using System.Globalization;

namespace InferenceServer.Core.Models;

/// <summary>Parses the version a request names: "" means the policy decides; otherwise a non-negative integer.</summary>
public static class VersionString
{
    /// <summary>Digits in the largest version (<see cref="long.MaxValue"/>); longer strings are refused unread.</summary>
    public const int MaxLength = 19;

    /// <summary>-1 for "" (latest ready); false for anything that is not a non-negative decimal integer of at most <see cref="MaxLength"/> digits.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out long version)
    {
        if (text.IsEmpty)
        {
            version = -1;
            return true;
        }

        if (text.Length > MaxLength)
        {
            version = 0;
            return false;
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
