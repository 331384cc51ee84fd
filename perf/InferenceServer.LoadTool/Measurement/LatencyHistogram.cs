using HdrHistogram;

namespace InferenceServer.LoadTool.Measurement;

/// <summary>
/// Latencies in nanoseconds, in an HDR histogram with 3 significant digits from 1 ns to one hour: any
/// percentile is within 0.1 % of the true value, in fixed memory however many requests are recorded.
/// Not thread-safe; <see cref="WindowRecorder"/> guards it. Exact count, sum, min and max are kept beside
/// the buckets, so the mean and extremes carry no bucketing error.
/// </summary>
internal sealed class LatencyHistogram
{
    public const long HighestTrackable = 3_600_000_000_000;

    private readonly LongHistogram _histogram = new(1, HighestTrackable, 3);
    private long _sum;
    private long _min = long.MaxValue;
    private long _max;

    public long Count => _histogram.TotalCount;

    public double MeanNanoseconds => Count > 0 ? _sum / (double)Count : 0;

    public long MinNanoseconds => Count > 0 ? _min : 0;

    public long MaxNanoseconds => _max;

    /// <summary>Records one latency; a value beyond an hour counts as an hour, a negative one as zero.</summary>
    public void Record(long nanoseconds)
    {
        var value = Math.Clamp(nanoseconds, 0, HighestTrackable);
        _histogram.RecordValue(value);
        _sum += value;
        _min = Math.Min(_min, value);
        _max = Math.Max(_max, value);
    }

    /// <summary>
    /// The latency at <paramref name="percentile"/> (0–100): the smallest recorded value that at least
    /// round(p/100 × count) recorded values do not exceed (nearest rank), reported as the upper edge of its
    /// bucket, so it is never below the true value and at most 0.1 % above it. 0 when empty.
    /// </summary>
    public long ValueAtPercentile(double percentile) =>
        Count == 0 ? 0 : Math.Min(_histogram.GetValueAtPercentile(percentile), _max);

    public void Add(LatencyHistogram other)
    {
        if (other.Count == 0)
        {
            return;
        }

        _histogram.Add(other._histogram);
        _sum += other._sum;
        _min = Math.Min(_min, other._min);
        _max = Math.Max(_max, other._max);
    }

    public static LatencyHistogram Merge(IEnumerable<LatencyHistogram> histograms)
    {
        var merged = new LatencyHistogram();
        foreach (var histogram in histograms)
        {
            merged.Add(histogram);
        }

        return merged;
    }
}
