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

    /// <summary>
    /// The distribution in at most <paramref name="binCount"/> log-spaced bins from the smallest to the largest
    /// recorded latency (a latency distribution has a long right tail, which equal-width bins would squash into one).
    /// Every recorded value lands in exactly one bin, so the counts add up to <see cref="Count"/>.
    /// </summary>
    public IReadOnlyList<(long LowNanoseconds, long HighNanoseconds, long Count)> Bins(int binCount)
    {
        if (Count == 0)
        {
            return [];
        }

        var low = Math.Max(1, _min);
        var high = Math.Max(low + 1, _max);
        var ratio = Math.Pow(high / (double)low, 1.0 / binCount);
        var edges = new long[binCount + 1];
        for (var i = 0; i <= binCount; i++)
        {
            edges[i] = i == binCount ? high : (long)Math.Round(low * Math.Pow(ratio, i));
        }

        var counts = new long[binCount];
        foreach (var value in _histogram.RecordedValues())
        {
            // The bucket's value clamped to the exact extremes, so the smallest and largest land in the first and last bin.
            var v = Math.Clamp(value.ValueIteratedTo, low, high);
            var bin = Array.BinarySearch(edges, v);
            bin = bin >= 0 ? Math.Min(bin, binCount - 1) : Math.Clamp(~bin - 1, 0, binCount - 1);
            counts[bin] += value.CountAtValueIteratedTo;
        }

        var bins = new List<(long, long, long)>(binCount);
        for (var i = 0; i < binCount; i++)
        {
            if (edges[i + 1] > edges[i] || counts[i] > 0)
            {
                bins.Add((edges[i], edges[i + 1], counts[i]));
            }
        }

        return bins;
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
