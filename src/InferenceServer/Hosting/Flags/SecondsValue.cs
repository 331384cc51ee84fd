using System.Globalization;

namespace InferenceServer.Hosting.Flags;

/// <summary>
/// A duration in seconds, up to a day (longer is a typo, not a setting). Whole seconds where tritonserver takes an
/// integer (<c>--exit-timeout-secs</c>); otherwise fractions down to a millisecond, and 0 only where it means "off".
/// </summary>
internal sealed class SecondsValue : IFlagValue<TimeSpan>
{
    /// <summary>An integer in [0, 86400], as tritonserver's <c>*-secs</c> flags.</summary>
    public static readonly SecondsValue Whole = new(fractions: false, zero: true);

    /// <summary>A number in [0.001, 86400]: an interval, which 0 would turn into a busy loop.</summary>
    public static readonly SecondsValue Positive = new(fractions: true, zero: false);

    /// <summary>0, or a number in [0.001, 86400]: a wait that may be skipped.</summary>
    public static readonly SecondsValue ZeroOrPositive = new(fractions: true, zero: true);

    private const int MaxSeconds = 86_400;
    private const double MinFraction = 0.001;

    private readonly bool _fractions;
    private readonly bool _zero;

    private SecondsValue(bool fractions, bool zero)
    {
        _fractions = fractions;
        _zero = zero;
        Accepts = !fractions
            ? $"an integer in [0, {MaxSeconds}]"
            : (zero ? "0 or " : "") + string.Create(CultureInfo.InvariantCulture, $"a number of seconds in [{MinFraction}, {MaxSeconds}]");
    }

    public string? Accepts { get; }

    public string? Parse(string flag, string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (!_fractions)
        {
            if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole) && whole is >= 0 and <= MaxSeconds)
            {
                value = TimeSpan.FromSeconds(whole);
                return null;
            }
        }
        else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            && ((_zero && seconds == 0) || seconds is >= MinFraction and <= MaxSeconds))
        {
            value = TimeSpan.FromSeconds(seconds);
            return null;
        }

        return $"--{flag} must be {Accepts}, got '{text}'";
    }

    public string Format(TimeSpan value) => value.TotalSeconds.ToString(CultureInfo.InvariantCulture);
}
