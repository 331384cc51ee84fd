namespace InferenceServer.LoadTool.Measurement;

/// <summary>The windows a step reports, merged: their latencies in one histogram, their counts and time added.</summary>
internal sealed record MeasuredWindows(int Count, TimeSpan Duration, LatencyHistogram Latency, IReadOnlyDictionary<string, long> Errors, long SendLagCount, long SendLagNanosecondsSum, long SendLagNanosecondsMax)
{
    public long Successes => Latency.Count;

    /// <summary>Successful requests per second over the merged windows: their requests over their summed time.</summary>
    public double RequestsPerSecond => Duration > TimeSpan.Zero ? Successes / Duration.TotalSeconds : 0;

    public static MeasuredWindows Merge(IReadOnlyList<WindowResult> windows)
    {
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (status, count) in windows.SelectMany(w => w.Errors))
        {
            errors[status] = errors.GetValueOrDefault(status) + count;
        }

        return new MeasuredWindows(
            windows.Count,
            windows.Aggregate(TimeSpan.Zero, (total, w) => total + w.Duration),
            LatencyHistogram.Merge(windows.Select(w => w.Latency)),
            errors,
            windows.Sum(w => w.SendLagCount),
            windows.Sum(w => w.SendLagNanosecondsSum),
            windows.Count > 0 ? windows.Max(w => w.SendLagNanosecondsMax) : 0);
    }
}
