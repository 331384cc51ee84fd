using InferenceServer.Core.Telemetry.Drift;
using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Tests.Telemetry.Drift;

public class QuantileBinsTests
{
    [Fact]
    public void FromReference_ContinuousData_TenBinsOfAboutTenPercent()
    {
        var reference = Sketch(TestDistributions.Sample(TestDistributions.Normal, 50_000, 1), 1);

        var bins = QuantileBins.FromReference(reference);

        Assert.Equal(10, bins.Count);
        Assert.Equal(9, bins.Edges.Length);
        AssertStrictlyAscending(bins.Edges);
        Assert.Equal(1, Sum(bins.ReferenceProportions), 1e-12);
        foreach (var proportion in bins.ReferenceProportions)
        {
            Assert.InRange(proportion, 0.08, 0.12);
        }
    }

    [Fact]
    public void FromReference_DiscreteDataWithTies_DedupesEdgesAndKeepsTrueShares()
    {
        // 60 % zeros, then 1 to 4 at 10 % each: deciles 0,0,0,0,0,0,1,2,3 → edges 0,1,2,3.
        var random = new Random(2);
        var values = new double[50_000];
        for (var i = 0; i < values.Length; i++)
        {
            var u = random.NextDouble();
            values[i] = u < 0.6 ? 0 : Math.Ceiling((u - 0.6) / 0.1);
        }

        var sorted = TestDistributions.Sorted(values);
        var bins = QuantileBins.FromReference(Sketch(values, 2));

        Assert.Equal([0.0, 1, 2, 3], bins.Edges.ToArray());
        Assert.Equal(5, bins.Count);
        Assert.Equal(1, Sum(bins.ReferenceProportions), 1e-12);
        double[] exact =
        [
            TestDistributions.Rank(sorted, 0),
            TestDistributions.Rank(sorted, 1) - TestDistributions.Rank(sorted, 0),
            TestDistributions.Rank(sorted, 2) - TestDistributions.Rank(sorted, 1),
            TestDistributions.Rank(sorted, 3) - TestDistributions.Rank(sorted, 2),
            1 - TestDistributions.Rank(sorted, 3),
        ];
        for (var j = 0; j < exact.Length; j++)
        {
            Assert.True(Math.Abs(bins.ReferenceProportions[j] - exact[j]) <= 0.02, $"bin {j}: {bins.ReferenceProportions[j]} vs {exact[j]}");
        }
    }

    [Fact]
    public void FromReference_SingleValue_OneEdgeWithEverythingInFirstBin()
    {
        var sketch = Sketch(Enumerable.Repeat(7.0, 1_000).ToArray(), 3);

        var bins = QuantileBins.FromReference(sketch);

        Assert.Equal([7.0], bins.Edges.ToArray());
        Assert.Equal([1.0, 0], bins.ReferenceProportions.ToArray());
    }

    [Fact]
    public void ComputeProportions_OtherSketch_SharesAddUpToOne()
    {
        var reference = Sketch(TestDistributions.Sample(TestDistributions.Cauchy, 20_000, 4), 4);
        var current = Sketch(TestDistributions.Sample(TestDistributions.Uniform, 20_000, 5), 5);
        var bins = QuantileBins.FromReference(reference, 20);
        var shares = new double[bins.Count];

        bins.ComputeProportions(current, shares);

        Assert.Equal(1, Sum(shares), 1e-12);
        Assert.All(shares, share => Assert.InRange(share, 0, 1));
    }

    [Fact]
    public void FromReference_EmptyOrBadBinCount_Throws()
    {
        Assert.Throws<ArgumentException>(() => QuantileBins.FromReference(new KllSketch(200, new Random(1))));
        var sketch = Sketch([1, 2, 3], 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => QuantileBins.FromReference(sketch, 1));
    }

    private static void AssertStrictlyAscending(ReadOnlySpan<double> edges)
    {
        for (var i = 1; i < edges.Length; i++)
        {
            Assert.True(edges[i] > edges[i - 1]);
        }
    }

    private static double Sum(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var value in values)
        {
            sum += value;
        }

        return sum;
    }

    private static KllSketch Sketch(double[] values, int seed)
    {
        var sketch = new KllSketch(200, new Random(seed));
        foreach (var value in values)
        {
            sketch.Add(value);
        }

        return sketch;
    }
}
