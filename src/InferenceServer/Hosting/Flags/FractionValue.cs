using System.Globalization;

namespace InferenceServer.Hosting.Flags;

/// <summary>A fraction in (0, 1] (sample rates): 0 would be a feature turned on that does nothing.</summary>
internal sealed class FractionValue : IFlagValue<double>
{
    public static readonly FractionValue Instance = new();

    public string? Accepts => "a number in (0, 1]";

    public string? Parse(string flag, string text, out double value)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value > 0 && value <= 1)
        {
            return null;
        }

        value = 1;
        return $"--{flag} must be {Accepts}, got '{text}'";
    }

    public string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
