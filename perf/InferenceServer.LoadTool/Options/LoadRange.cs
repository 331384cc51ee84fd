using System.Globalization;

namespace InferenceServer.LoadTool.Options;

/// <summary>
/// <c>START[:END[:STEP]]</c>, perf_analyzer's range syntax: the values START, START+STEP, … up to and
/// including END. END defaults to START and STEP to 1.
/// </summary>
public readonly record struct LoadRange(double Start, double End, double Step)
{
    /// <summary>The values of the range, in order.</summary>
    public IReadOnlyList<double> Values()
    {
        var values = new List<double>();

        // Stepping by index, not by accumulating, so 0.1-sized steps do not drift past END.
        for (var i = 0; ; i++)
        {
            var value = Start + (i * Step);
            if (value > End + (Step * 1e-9))
            {
                break;
            }

            values.Add(value);
        }

        return values;
    }

    /// <summary>Parses <paramref name="text"/>; <paramref name="integral"/> demands whole numbers (concurrency).</summary>
    public static bool TryParse(string text, bool integral, out LoadRange range, out string error)
    {
        range = default;
        var parts = text.Split(':');
        if (parts.Length is < 1 or > 3)
        {
            error = $"'{text}' is not START[:END[:STEP]]";
            return false;
        }

        var numbers = new double[3];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i])
                || !double.IsFinite(numbers[i]) || (integral && numbers[i] != Math.Floor(numbers[i])))
            {
                error = $"'{parts[i]}' in '{text}' is not a {(integral ? "whole number" : "number")}";
                return false;
            }
        }

        var start = numbers[0];
        var end = parts.Length > 1 ? numbers[1] : start;
        var step = parts.Length > 2 ? numbers[2] : 1;
        if (start <= 0 || end < start || step <= 0)
        {
            error = $"'{text}' needs 0 < START <= END and STEP > 0";
            return false;
        }

        range = new LoadRange(start, end, step);
        error = "";
        return true;
    }
}
