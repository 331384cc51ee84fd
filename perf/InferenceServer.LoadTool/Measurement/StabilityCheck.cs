namespace InferenceServer.LoadTool.Measurement;

/// <summary>
/// perf_analyzer's stability rule: the last <see cref="Windows"/> windows all saw successful requests, and
/// across them both throughput and latency (mean, or the chosen percentile) satisfy max ≤ min × (1 + spread).
/// </summary>
internal static class StabilityCheck
{
    public const int Windows = 3;

    public static bool IsStable(IReadOnlyList<WindowResult> windows, double spreadPercent, double? percentile)
    {
        if (windows.Count < Windows)
        {
            return false;
        }

        var last = windows.Skip(windows.Count - Windows).ToArray();
        if (last.Any(w => w.Successes == 0))
        {
            return false;
        }

        var limit = 1 + (spreadPercent / 100.0);
        return WithinSpread(last.Select(w => w.RequestsPerSecond), limit)
            && WithinSpread(last.Select(w => w.LatencyNanoseconds(percentile)), limit);
    }

    private static bool WithinSpread(IEnumerable<double> values, double limit)
    {
        var list = values.ToArray();
        var min = list.Min();
        var max = list.Max();
        return min > 0 ? max / min <= limit : max == 0;
    }
}
