using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Tests.Telemetry.Sketches;

public class RunningMomentsTests
{
    private const double Tolerance = 1e-9;

    [Theory]
    [InlineData(TestDistributions.Uniform, 1)]
    [InlineData(TestDistributions.Normal, 2)]
    [InlineData(TestDistributions.LogNormal, 3)]
    [InlineData(TestDistributions.Pareto, 4)]
    [InlineData(TestDistributions.MixedSignsAndZeros, 5)]
    [InlineData(TestDistributions.DiscreteTies, 6)]
    public void Add_AnyDistribution_MatchesTwoPassMeanAndVariance(string distribution, int seed)
    {
        var values = TestDistributions.Sample(distribution, 100_000, seed);
        var moments = new RunningMoments();
        foreach (var value in values)
        {
            moments.Add(value);
        }

        var (mean, variance) = TwoPass(values);
        Assert.Equal(values.Length, moments.Count);
        AssertMean(mean, moments.Mean, Math.Sqrt(variance));
        AssertRelative(variance, moments.Variance);
        AssertRelative(Math.Sqrt(variance), moments.StandardDeviation);
        Assert.Equal(values.Min(), moments.Min);
        Assert.Equal(values.Max(), moments.Max);
    }

    [Fact]
    public void Add_LargeOffsetSmallSpread_StaysAccurate()
    {
        // A sum of squares would lose every digit here; Welford keeps them.
        var random = new Random(7);
        var values = Enumerable.Range(0, 100_000).Select(_ => 1e9 + random.NextDouble()).ToArray();
        var moments = new RunningMoments();
        foreach (var value in values)
        {
            moments.Add(value);
        }

        var (mean, variance) = TwoPass(values);
        AssertRelative(mean, moments.Mean);
        Assert.Equal(variance, moments.Variance, 1e-6 * variance);
    }

    [Fact]
    public void Merge_RandomSplitsManySeeds_EqualsMomentsOfUnion()
    {
        for (var seed = 0; seed < 50; seed++)
        {
            var random = new Random(seed);
            var distribution = TestDistributions.All[seed % TestDistributions.All.Length];
            var parts = new RunningMoments[random.Next(1, 10)];
            var union = new RunningMoments();
            for (var i = 0; i < 20_000; i++)
            {
                var value = random.Next(100) == 0 ? double.NaN : TestDistributions.Next(distribution, random);
                union.Add(value);
                parts[random.Next(parts.Length)].Add(value);
            }

            var merged = new RunningMoments();
            foreach (var part in parts)
            {
                merged.Merge(part);
            }

            Assert.Equal(union.Count, merged.Count);
            Assert.Equal(union.NaNCount, merged.NaNCount);
            Assert.Equal(union.Min, merged.Min);
            Assert.Equal(union.Max, merged.Max);
            AssertMean(union.Mean, merged.Mean, union.StandardDeviation);
            AssertRelative(union.Variance, merged.Variance);
        }
    }

    [Fact]
    public void Merge_WithItself_DoublesCountKeepsMeanAndVariance()
    {
        var moments = new RunningMoments();
        foreach (var value in TestDistributions.Sample(TestDistributions.Normal, 1_000, 8))
        {
            moments.Add(value);
        }

        var mean = moments.Mean;
        var variance = moments.Variance;

        moments.Merge(in moments);

        Assert.Equal(2_000, moments.Count);
        AssertMean(mean, moments.Mean, Math.Sqrt(variance));
        AssertRelative(variance, moments.Variance);
    }

    [Fact]
    public void Add_NonFinite_CountedApartFromStatistics()
    {
        var moments = new RunningMoments();
        moments.Add(double.NaN);
        moments.Add(double.PositiveInfinity);
        moments.Add(double.NegativeInfinity);

        Assert.Equal(0, moments.Count);
        Assert.Equal(1, moments.NaNCount);
        Assert.Equal(2, moments.InfinityCount);
        Assert.True(double.IsNaN(moments.Mean));
        Assert.True(double.IsNaN(moments.Variance));
        Assert.True(double.IsNaN(moments.Min));

        moments.Add(4);
        Assert.Equal(4, moments.Mean);
        Assert.Equal(0, moments.Variance);
        Assert.Equal(4, moments.Min);
        Assert.Equal(4, moments.Max);

        moments.Clear();
        Assert.Equal(0, moments.Count);
        Assert.Equal(0, moments.NaNCount);
    }

    private static (double Mean, double Variance) TwoPass(double[] values)
    {
        var mean = values.Sum() / values.Length;
        var squares = 0.0;
        foreach (var value in values)
        {
            squares += (value - mean) * (value - mean);
        }

        return (mean, squares / values.Length);
    }

    // A mean near zero (symmetric data) has no relative precision of its own: its error is measured
    // against the larger of the mean and the spread.
    private static void AssertMean(double expected, double actual, double standardDeviation) =>
        Assert.True(
            Math.Abs(actual - expected) <= Tolerance * Math.Max(Math.Abs(expected), standardDeviation),
            $"expected mean {expected}, actual {actual}, standard deviation {standardDeviation}");

    private static void AssertRelative(double expected, double actual) =>
        Assert.True(Math.Abs(actual - expected) <= Tolerance * Math.Max(Math.Abs(expected), 1e-300), $"expected {expected}, actual {actual}");
}
