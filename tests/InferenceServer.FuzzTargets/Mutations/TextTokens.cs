namespace InferenceServer.FuzzTargets.Mutations;

/// <summary>
/// Finds numbers and quoted strings in JSON or protobuf text without parsing it, so the token mutations
/// still find targets in inputs that earlier mutations already broke.
/// </summary>
internal static class TextTokens
{
    /// <summary>
    /// Runs of digits with their sign, fraction and exponent that do not continue an identifier
    /// (the 0 of <c>INPUT0</c> is not a number).
    /// </summary>
    public static List<Range> Numbers(ReadOnlySpan<byte> text)
    {
        var found = new List<Range>();
        var i = 0;
        while (i < text.Length)
        {
            var startsNumber = IsDigit(text[i]) || (text[i] == '-' && i + 1 < text.Length && IsDigit(text[i + 1]));
            if (!startsNumber || (i > 0 && IsWordByte(text[i - 1])))
            {
                i++;
                continue;
            }

            var start = i++;
            while (i < text.Length && (IsDigit(text[i]) || text[i] is (byte)'.' or (byte)'e' or (byte)'E' || (text[i] is (byte)'+' or (byte)'-' && text[i - 1] is (byte)'e' or (byte)'E')))
            {
                i++;
            }

            found.Add(start..i);
        }

        return found;
    }

    /// <summary>Double-quoted strings, quotes included, honouring backslash escapes; an unterminated one runs to the end.</summary>
    public static List<Range> Strings(ReadOnlySpan<byte> text)
    {
        var found = new List<Range>();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] != '"')
            {
                i++;
                continue;
            }

            var start = i++;
            while (i < text.Length && text[i] != '"')
            {
                i += text[i] == '\\' ? 2 : 1;
            }

            i = Math.Min(i + 1, text.Length);
            found.Add(start..i);
        }

        return found;
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static bool IsWordByte(byte b) => IsDigit(b) || b == '_' || b == '.' || (b | 0x20) is >= (byte)'a' and <= (byte)'z';
}
