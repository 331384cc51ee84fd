using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Tests.Telemetry.Sketches;

/// <summary>
/// The DDSketch guarantee, checked as a property over distributions, seeds and sizes: every reported
/// quantile is within α of the exact lower-rank quantile (rank floor(q · (n − 1))) of the sorted data,
/// and merging is exact.
/// </summary>
public class DDSketchAccuracyTests
{
    private const double Alpha = 0.01;

    // Rounding in the logarithm can put a value a few ulps across a bin boundary.
    private const double RoundingSlack = 1e-12;

    private static readonly double[] Quantiles = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1];

    public static TheoryData<string, int, int> Cases() => Sweep(200_000);

    // Merges run on a smaller top size: the parts add sketch work, not coverage.
    public static TheoryData<string, int, int> MergeCases() => Sweep(100_000);

    private static TheoryData<string, int, int> Sweep(int largeSize)
    {
        var cases = new TheoryData<string, int, int>();
        foreach (var distribution in TestDistributions.All)
        {
            foreach (var seed in new[] { 1, 2, 3 })
            {
                cases.Add(distribution, 10_000, seed);
                cases.Add(distribution, largeSize, seed);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Quantile_AnyDistribution_IsWithinRelativeAccuracyOfExactLowerRankQuantile(string distribution, int size, int seed)
    {
        var values = TestDistributions.Sample(distribution, size, seed);
        var sorted = TestDistributions.Sorted(values);
        var sketch = new DDSketch(Alpha);
        foreach (var value in values)
        {
            sketch.Add(value);
        }

        Assert.Equal(size, sketch.Count);
        Assert.Equal(sorted[0], sketch.Min);
        Assert.Equal(sorted[^1], sketch.Max);
        foreach (var q in Quantiles)
        {
            AssertWithinRelativeAccuracy(TestDistributions.LowerRankQuantile(sorted, q), sketch.Quantile(q), q);
        }
    }

    [Theory]
    [MemberData(nameof(MergeCases))]
    public void Merge_SketchesOfParts_EqualsSketchOfUnion(string distribution, int size, int seed)
    {
        var values = TestDistributions.Sample(distribution, size, seed);
        var sorted = TestDistributions.Sorted(values);
        var union = new DDSketch(Alpha);
        var parts = new DDSketch[7];
        for (var p = 0; p < parts.Length; p++)
        {
            parts[p] = new DDSketch(Alpha);
        }

        // Uneven, interleaved parts, so each part sees a different range.
        var random = new Random(seed);
        foreach (var value in values)
        {
            union.Add(value);
            parts[random.Next(random.Next(1, parts.Length + 1))].Add(value);
        }

        var merged = new DDSketch(Alpha);
        foreach (var part in parts)
        {
            merged.Merge(part);
        }

        Assert.Equal(union.Count, merged.Count);
        Assert.Equal(union.ZeroCount, merged.ZeroCount);
        Assert.Equal(union.Min, merged.Min);
        Assert.Equal(union.Max, merged.Max);
        Assert.Equal(union.Sum, merged.Sum, Math.Abs(union.Sum) * 1e-9);
        foreach (var q in Quantiles)
        {
            Assert.Equal(union.Quantile(q), merged.Quantile(q));
            AssertWithinRelativeAccuracy(TestDistributions.LowerRankQuantile(sorted, q), merged.Quantile(q), q);
        }
    }

    [Fact]
    public void Quantile_EveryRankOfSmallSample_IsWithinRelativeAccuracy()
    {
        // Small n makes every rank boundary count: q steps through each item position exactly.
        var random = new Random(7);
        for (var trial = 0; trial < 50; trial++)
        {
            var size = random.Next(1, 60);
            var distribution = TestDistributions.All[trial % TestDistributions.All.Length];
            var values = TestDistributions.Sample(distribution, size, trial);
            var sorted = TestDistributions.Sorted(values);
            var sketch = new DDSketch(Alpha);
            foreach (var value in values)
            {
                sketch.Add(value);
            }

            for (var position = 0; position < size; position++)
            {
                var q = size == 1 ? 0 : (double)position / (size - 1);
                AssertWithinRelativeAccuracy(TestDistributions.LowerRankQuantile(sorted, q), sketch.Quantile(q), q);
            }
        }
    }

    [Fact]
    public void Quantile_CoarserAccuracy_StaysWithinItsOwnBound()
    {
        // Finer accuracy needs more bins for the same range: this data spans a magnitude ratio of
        // about e^27, which at α = 0.1 % is 13,500 bins per sign.
        foreach (var alpha in new[] { 0.001, 0.05, 0.2 })
        {
            var values = TestDistributions.Sample(TestDistributions.MixedSignsAndZeros, 50_000, 11);
            var sorted = TestDistributions.Sorted(values);
            var sketch = new DDSketch(alpha, 1 << 15);
            foreach (var value in values)
            {
                sketch.Add(value);
            }

            foreach (var q in Quantiles)
            {
                var exact = TestDistributions.LowerRankQuantile(sorted, q);
                var estimate = sketch.Quantile(q);
                Assert.True(
                    Math.Abs(estimate - exact) <= ((alpha + RoundingSlack) * Math.Abs(exact)),
                    $"α={alpha} q={q}: exact {exact}, estimate {estimate}");
            }
        }
    }

    private static void AssertWithinRelativeAccuracy(double exact, double estimate, double q)
    {
        if (exact == 0)
        {
            Assert.True(estimate == 0, $"q={q}: exact 0, estimate {estimate}");
            return;
        }

        var error = Math.Abs(estimate - exact) / Math.Abs(exact);
        Assert.True(error <= Alpha + RoundingSlack, $"q={q}: exact {exact}, estimate {estimate}, relative error {error}");
    }
}
