using System.Text.Json;
using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Tests.Telemetry.Sketches;

public class KllSketchTests
{
    [Fact]
    public void Queries_Empty_AreNaN()
    {
        var sketch = new KllSketch(200, new Random(1));

        Assert.True(sketch.IsEmpty);
        Assert.True(double.IsNaN(sketch.Quantile(0.5)));
        Assert.True(double.IsNaN(sketch.Rank(0)));
        Assert.True(double.IsNaN(sketch.Min));
        Assert.True(double.IsNaN(sketch.Max));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void Quantile_OutsideZeroToOne_Throws(double q)
    {
        var sketch = new KllSketch(200, new Random(1));
        sketch.Add(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Quantile(q));
    }

    [Fact]
    public void Add_NonFinite_Ignored()
    {
        var sketch = new KllSketch(200, new Random(1));
        sketch.Add(double.NaN);
        sketch.Add(double.PositiveInfinity);
        sketch.Add(double.NegativeInfinity);
        sketch.Add(3);

        Assert.Equal(1, sketch.Count);
        Assert.Equal(3, sketch.Quantile(0.5));
        Assert.Equal(1, sketch.Rank(3));
        Assert.Equal(0, sketch.Rank(2.9));
    }

    [Fact]
    public void Quantile_FewerItemsThanK_IsExact()
    {
        // Below k items nothing is compacted: the sketch is the data.
        var values = TestDistributions.Sample(TestDistributions.DiscreteTies, 150, 2);
        var sorted = TestDistributions.Sorted(values);
        var sketch = new KllSketch(200, new Random(2));
        foreach (var value in values)
        {
            sketch.Add(value);
        }

        Assert.Equal(150, sketch.RetainedCount);
        foreach (var value in sorted)
        {
            Assert.Equal(TestDistributions.Rank(sorted, value), sketch.Rank(value));
        }

        Assert.Equal(sorted[0], sketch.Quantile(0));
        Assert.Equal(sorted[^1], sketch.Quantile(1));
    }

    [Fact]
    public void Add_ManyItems_RetainedWeightEqualsCountAndMemoryStaysBounded()
    {
        var sketch = new KllSketch(200, new Random(3));
        var random = new Random(3);
        for (var i = 1; i <= 300_000; i++)
        {
            sketch.Add(TestDistributions.NextNormal(random));
            if (i % 29_989 == 0)
            {
                KllSketchAccuracyTests.AssertRetainedWeightEqualsCount(sketch);
            }
        }

        // About 3k items plus 8 per level under the geometric part.
        Assert.InRange(sketch.RetainedCount, 200, (3 * 200) + (8 * sketch.LevelCount));
        Assert.InRange(sketch.LevelCount, 8, 16);
    }

    [Fact]
    public void Add_SameSeed_GivesIdenticalSketches()
    {
        var values = TestDistributions.Sample(TestDistributions.Cauchy, 100_000, 4);
        var first = new KllSketch(200, new Random(42));
        var second = new KllSketch(200, new Random(42));
        foreach (var value in values)
        {
            first.Add(value);
            second.Add(value);
        }

        Assert.Equal(Levels(first), Levels(second));
    }

    [Fact]
    public void Merge_WithItself_DoublesCountKeepsRanks()
    {
        var sketch = Build(TestDistributions.Normal, 50_000, 5);
        var before = Enumerable.Range(1, 99).Select(i => sketch.Quantile(i / 100.0)).ToArray();

        sketch.Merge(sketch);

        Assert.Equal(100_000, sketch.Count);
        KllSketchAccuracyTests.AssertRetainedWeightEqualsCount(sketch);
        for (var i = 1; i < 100; i++)
        {
            Assert.InRange(sketch.Rank(before[i - 1]), (i / 100.0) - 0.02, (i / 100.0) + 0.02);
        }
    }

    [Fact]
    public void Merge_DifferentK_KeepsWeightAndThisK()
    {
        var sketch = Build(TestDistributions.Uniform, 30_000, 6);
        var other = new KllSketch(64, new Random(6));
        foreach (var value in TestDistributions.Sample(TestDistributions.Uniform, 30_000, 7))
        {
            other.Add(value);
        }

        sketch.Merge(other);

        Assert.Equal(200, sketch.K);
        Assert.Equal(60_000, sketch.Count);
        KllSketchAccuracyTests.AssertRetainedWeightEqualsCount(sketch);
        Assert.InRange(sketch.Quantile(0.5), 45, 55);
    }

    [Fact]
    public void Merge_IntoEmptyAndEmptyInto_KeepsRanks()
    {
        var sketch = Build(TestDistributions.LogNormal, 20_000, 8);
        var copy = sketch.Copy();

        sketch.Merge(new KllSketch(200, new Random(8)));
        var fresh = new KllSketch(200, new Random(8));
        fresh.Merge(copy);

        Assert.Equal(Levels(copy), Levels(sketch));
        Assert.Equal(copy.Count, fresh.Count);
        Assert.Equal(copy.Quantile(0.5), fresh.Quantile(0.5));
    }

    [Fact]
    public void Copy_ThenAddToOriginal_CopyUnchanged()
    {
        var sketch = Build(TestDistributions.Pareto, 20_000, 9);
        var copy = sketch.Copy();
        var before = Levels(copy);

        for (var i = 0; i < 20_000; i++)
        {
            sketch.Add(-i);
        }

        Assert.Equal(20_000, copy.Count);
        Assert.Equal(before, Levels(copy));
    }

    [Fact]
    public void Clear_ThenReuse_BehavesLikeNew()
    {
        var values = TestDistributions.Sample(TestDistributions.Normal, 30_000, 10);
        var sketch = Build(TestDistributions.Cauchy, 50_000, 10);

        sketch.Clear();
        Assert.True(sketch.IsEmpty);
        Assert.Equal(1, sketch.LevelCount);
        Assert.Equal(0, sketch.RetainedCount);

        var reused = new KllSketch(200, new Random(11));
        var fresh = new KllSketch(200, new Random(11));
        foreach (var value in values)
        {
            reused.Add(value);
            fresh.Add(value);
        }

        Assert.Equal(Levels(fresh), Levels(reused));
    }

    [Fact]
    public void Snapshot_RoundTripThroughJson_GivesIdenticalRanksAndQuantiles()
    {
        var sketch = Build(TestDistributions.MixedSignsAndZeros, 100_000, 12);

        var json = JsonSerializer.Serialize(sketch.ToSnapshot(), TelemetryJsonContext.Default.KllSnapshot);
        var restored = KllSketch.FromSnapshot(JsonSerializer.Deserialize(json, TelemetryJsonContext.Default.KllSnapshot)!, new Random(12));

        Assert.Equal(sketch.Count, restored.Count);
        Assert.Equal(sketch.Min, restored.Min);
        Assert.Equal(sketch.Max, restored.Max);
        Assert.Equal(sketch.LevelCount, restored.LevelCount);
        Assert.Equal(Levels(sketch), Levels(restored));
        for (var q = 0.0; q <= 1; q += 0.001)
        {
            Assert.Equal(sketch.Quantile(q), restored.Quantile(q));
            Assert.Equal(sketch.Rank(q), restored.Rank(q));
        }

        // The restored sketch keeps working: more adds and a merge.
        foreach (var value in TestDistributions.Sample(TestDistributions.MixedSignsAndZeros, 50_000, 13))
        {
            restored.Add(value);
        }

        restored.Merge(sketch);
        Assert.Equal(250_000, restored.Count);
        KllSketchAccuracyTests.AssertRetainedWeightEqualsCount(restored);
    }

    [Fact]
    public void Snapshot_Empty_RoundTripsAsEmpty()
    {
        var snapshot = new KllSketch(200, new Random(1)).ToSnapshot();
        var json = JsonSerializer.Serialize(snapshot, TelemetryJsonContext.Default.KllSnapshot);

        var restored = KllSketch.FromSnapshot(JsonSerializer.Deserialize(json, TelemetryJsonContext.Default.KllSnapshot)!);

        Assert.True(restored.IsEmpty);
        restored.Add(1);
        Assert.Equal(1, restored.Quantile(0.5));
    }

    [Fact]
    public void FromSnapshot_Inconsistent_Throws()
    {
        var good = Build(TestDistributions.Normal, 10_000, 14).ToSnapshot();
        var levelOne = good.Levels[1];
        var unsorted = good.Levels.Select(l => (double[])l.Clone()).ToArray();
        (unsorted[1][0], unsorted[1][^1]) = (unsorted[1][^1], unsorted[1][0]);

        Assert.Throws<ArgumentException>(() => KllSketch.FromSnapshot(good with { Count = good.Count + 1 }));
        Assert.Throws<ArgumentException>(() => KllSketch.FromSnapshot(good with { K = 4 }));
        Assert.Throws<ArgumentException>(() => KllSketch.FromSnapshot(good with { Levels = unsorted }));
        Assert.Throws<ArgumentException>(() => KllSketch.FromSnapshot(good with { Max = levelOne[0] }));
        Assert.Throws<ArgumentException>(() => KllSketch.FromSnapshot(good with { Levels = [.. good.Levels, [double.NaN]] }));
    }

    [Fact]
    public void Add_SteadyState_DoesNotAllocate()
    {
        var values = TestDistributions.Sample(TestDistributions.Normal, 100_000, 15);
        var sketch = new KllSketch(200, new Random(15));
        AddAll(sketch, values);

        var before = GC.GetAllocatedBytesForCurrentThread();
        AddAll(sketch, values);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(200_000, sketch.Count);
    }

    [Fact]
    public void Constructor_OutOfRangeK_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new KllSketch(7));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KllSketch(65536));
    }

    private static void AddAll(KllSketch sketch, double[] values)
    {
        foreach (var value in values)
        {
            sketch.Add(value);
        }
    }

    private static KllSketch Build(string distribution, int size, int seed)
    {
        var sketch = new KllSketch(200, new Random(seed));
        AddAll(sketch, TestDistributions.Sample(distribution, size, seed));
        return sketch;
    }

    private static double[][] Levels(KllSketch sketch) => sketch.ToSnapshot().Levels;
}
