using System.Globalization;
using System.Numerics;

namespace InferenceServer.Hosting.Flags;

/// <summary>A whole number within [<c>min</c>, <c>max</c>] (ports, byte sizes, levels).</summary>
/// <typeparam name="T">int or long, as the option holds it; a value that does not fit is out of range.</typeparam>
internal sealed class IntegerValue<T> : IFlagValue<T>
    where T : IBinaryInteger<T>
{
    private readonly T _min;
    private readonly T _max;

    public IntegerValue(T min, T max)
    {
        _min = min;
        _max = max;
        Accepts = string.Create(CultureInfo.InvariantCulture, $"an integer in [{min}, {max}]");
    }

    public string? Accepts { get; }

    public string? Parse(string flag, string text, out T value)
    {
        if (T.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= _min && parsed <= _max)
        {
            value = parsed;
            return null;
        }

        value = _min;
        return $"--{flag} must be {Accepts}, got '{text}'";
    }

    public string Format(T value) => value.ToString(null, CultureInfo.InvariantCulture);
}
