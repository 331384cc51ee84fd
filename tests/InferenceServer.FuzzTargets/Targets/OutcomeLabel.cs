using System.Text;

namespace InferenceServer.FuzzTargets.Targets;

/// <summary>
/// Reduces an error message to its shape (quoted names and numbers blanked), so the in-process fuzzer can
/// count distinct rejection reasons: a rough measure of how many paths the mutations reached.
/// </summary>
internal static class OutcomeLabel
{
    public const string Accepted = "accepted";

    public static string Of(string message)
    {
        var label = new StringBuilder(Math.Min(message.Length, 80));
        var quoted = false;
        foreach (var c in message)
        {
            if (label.Length == 80)
            {
                break;
            }

            if (c == '\'')
            {
                quoted = !quoted;
                label.Append(c);
            }
            else if (!quoted)
            {
                label.Append(char.IsAsciiDigit(c) ? '#' : c);
            }
        }

        return label.ToString();
    }
}
