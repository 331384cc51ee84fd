using InferenceServer.LoadTool.Measurement;
using InferenceServer.LoadTool.Tests.Infrastructure;

namespace InferenceServer.LoadTool.Tests.Measurement;

/// <summary>
/// The histogram against the truth: every percentile is compared with the nearest-rank value of the sorted
/// input. HDR buckets at 3 significant digits report the upper edge of the value's bucket, so the answer is
/// never below the truth and at most 1/1024 above it.
/// </summary>
public class LatencyHistogramTests
{
    private static readonly double[] Percentiles = [50, 90, 95, 99, 99.9];

    public static TheoryData<string> Distributions => ["uniform", "exponential", "bimodal", "constant"];

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Percentiles_KnownDistribution_MatchSortedTruthWithinBucketPrecision(string distribution)
    {
        var values = Generate(distribution, 10_000, new Random(42));
        var histogram = Samples.Histogram(values);
        var sorted = values.Order().ToArray();

        Assert.Equal(values.Length, histogram.Count);
        foreach (var p in Percentiles)
        {
            var truth = Samples.NearestRank(sorted, p);
            var reported = histogram.ValueAtPercentile(p);
            Assert.InRange(reported, truth, truth + (truth / 1024) + 1);
        }

        Assert.Equal(sorted[0], histogram.MinNanoseconds);
        Assert.Equal(sorted[^1], histogram.MaxNanoseconds);
        Assert.Equal(values.Average(v => (double)v), histogram.MeanNanoseconds, 6);
    }

    [Fact]
    public void Percentiles_OneToHundredMilliseconds_AreTheRankedValues()
    {
        var histogram = Samples.Histogram(Enumerable.Range(1, 100).Select(ms => ms * 1_000_000L));

        Assert.InRange(histogram.ValueAtPercentile(50), 50_000_000, 50_050_000);
        Assert.InRange(histogram.ValueAtPercentile(90), 90_000_000, 90_090_000);
        Assert.InRange(histogram.ValueAtPercentile(99), 99_000_000, 99_100_000);
        Assert.Equal(100_000_000, histogram.ValueAtPercentile(100));
        Assert.Equal(50_500_000, histogram.MeanNanoseconds);
        Assert.Equal(1_000_000, histogram.MinNanoseconds);
    }

    [Fact]
    public void Merge_TwoHalves_EqualsOneHistogramOfEverything()
    {
        var values = Generate("exponential", 5_000, new Random(7));
        var whole = Samples.Histogram(values);
        var merged = LatencyHistogram.Merge([Samples.Histogram(values[..2_000]), Samples.Histogram(values[2_000..]), new LatencyHistogram()]);

        Assert.Equal(whole.Count, merged.Count);
        Assert.Equal(whole.MinNanoseconds, merged.MinNanoseconds);
        Assert.Equal(whole.MaxNanoseconds, merged.MaxNanoseconds);
        Assert.Equal(whole.MeanNanoseconds, merged.MeanNanoseconds, 6);
        foreach (var p in Percentiles)
        {
            Assert.Equal(whole.ValueAtPercentile(p), merged.ValueAtPercentile(p));
        }
    }

    [Fact]
    public void Empty_ReportsZeros()
    {
        var histogram = new LatencyHistogram();

        Assert.Equal(0, histogram.Count);
        Assert.Equal(0, histogram.ValueAtPercentile(99));
        Assert.Equal(0, histogram.MeanNanoseconds);
        Assert.Equal(0, histogram.MinNanoseconds);
        Assert.Equal(0, histogram.MaxNanoseconds);
    }

    [Fact]
    public void Record_BeyondOneHour_CountsAsOneHour()
    {
        var histogram = Samples.Histogram([LatencyHistogram.HighestTrackable * 2, -5]);

        Assert.Equal(2, histogram.Count);
        Assert.Equal(LatencyHistogram.HighestTrackable, histogram.MaxNanoseconds);
        Assert.Equal(0, histogram.MinNanoseconds);
    }

    private static long[] Generate(string distribution, int count, Random random) => distribution switch
    {
        // 1 µs to 10 ms.
        "uniform" => [.. Enumerable.Range(0, count).Select(_ => random.NextInt64(1_000, 10_000_000))],

        // Mean 500 µs, the long tail a server's latency has.
        "exponential" => [.. Enumerable.Range(0, count).Select(_ => (long)(-Math.Log(1 - random.NextDouble()) * 500_000) + 1)],

        // 90 % near 100 µs, 10 % near 20 ms: a cache hit/miss or GC-pause shape.
        "bimodal" => [.. Enumerable.Range(0, count).Select(_ => random.NextDouble() < 0.9 ? random.NextInt64(90_000, 110_000) : random.NextInt64(19_000_000, 21_000_000))],
        "constant" => [.. Enumerable.Repeat(250_000L, count)],
        _ => throw new ArgumentOutOfRangeException(nameof(distribution)),
    };
}
