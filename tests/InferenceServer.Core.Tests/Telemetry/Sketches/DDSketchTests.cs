using System.Text.Json;
using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Tests.Telemetry.Sketches;

public class DDSketchTests
{
    private static readonly double[] Quantiles = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1];

    [Fact]
    public void Quantile_Empty_IsNaN()
    {
        var sketch = new DDSketch();

        Assert.True(sketch.IsEmpty);
        Assert.True(double.IsNaN(sketch.Quantile(0.5)));
        Assert.True(double.IsNaN(sketch.Min));
        Assert.True(double.IsNaN(sketch.Max));
        Assert.Equal(0, sketch.Sum);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void Quantile_OutsideZeroToOne_Throws(double q)
    {
        var sketch = new DDSketch();
        sketch.Add(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Quantile(q));
    }

    [Fact]
    public void Add_NonFiniteValues_NaNIgnoredInfinitiesCountedSeparately()
    {
        var sketch = new DDSketch();
        sketch.Add(double.NaN);
        sketch.Add(double.PositiveInfinity);
        sketch.Add(double.NegativeInfinity, 3);
        sketch.Add(double.NaN, 5);
        sketch.Add(2);

        Assert.Equal(1, sketch.Count);
        Assert.Equal(4, sketch.NonFiniteCount);
        Assert.Equal(2, sketch.Sum);
        Assert.Equal(2, sketch.Quantile(0.5));
    }

    [Fact]
    public void Add_ValuesBelowSmallestNormal_CountAsZero()
    {
        var sketch = new DDSketch();
        sketch.Add(0.0);
        sketch.Add(-0.0);
        sketch.Add(double.Epsilon);
        sketch.Add(-double.Epsilon);
        sketch.Add(1e-300);

        Assert.Equal(4, sketch.ZeroCount);
        Assert.Equal(0, sketch.Quantile(0.5));
        Assert.Equal(1e-300, sketch.Quantile(1));
    }

    [Fact]
    public void Add_ExtremeMagnitudes_QuantilesStayFiniteAndAccurate()
    {
        // Sorted: −max, 1, max, max. 1 to max spans 35,490 bins at α = 1 %, so the bound is raised to
        // keep 1 uncollapsed.
        var sketch = new DDSketch(0.01, 1 << 16);
        sketch.Add(double.MaxValue, 2);
        sketch.Add(-double.MaxValue);
        sketch.Add(1);

        Assert.Equal(-double.MaxValue, sketch.Quantile(0));
        Assert.Equal(-double.MaxValue, sketch.Quantile(0.2), 0.01 * double.MaxValue);
        Assert.Equal(1, sketch.Quantile(0.5), 0.01);
        Assert.Equal(double.MaxValue, sketch.Quantile(0.7), 0.01 * double.MaxValue);
        Assert.Equal(double.MaxValue, sketch.Quantile(1));
    }

    [Fact]
    public void Add_WithCount_EqualsRepeatedAdds()
    {
        var repeated = new DDSketch();
        var weighted = new DDSketch();
        var random = new Random(3);
        for (var i = 0; i < 500; i++)
        {
            var value = TestDistributions.Next(TestDistributions.MixedSignsAndZeros, random);
            var count = random.Next(0, 20);
            weighted.Add(value, count);
            for (var c = 0; c < count; c++)
            {
                repeated.Add(value);
            }
        }

        Assert.Equal(repeated.Count, weighted.Count);
        foreach (var q in Quantiles)
        {
            Assert.Equal(repeated.Quantile(q), weighted.Quantile(q));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => weighted.Add(1, -1));
    }

    [Fact]
    public void Merge_DifferentRelativeAccuracy_Throws()
    {
        var sketch = new DDSketch(0.01);

        Assert.Throws<ArgumentException>(() => sketch.Merge(new DDSketch(0.02)));
    }

    [Fact]
    public void Merge_WithItself_DoublesEveryCount()
    {
        var sketch = Build(TestDistributions.MixedSignsAndZeros, 10_000, 4);
        var expected = sketch.Copy();
        expected.Merge(sketch.Copy());

        sketch.Merge(sketch);

        Assert.Equal(20_000, sketch.Count);
        foreach (var q in Quantiles)
        {
            Assert.Equal(expected.Quantile(q), sketch.Quantile(q));
        }
    }

    [Fact]
    public void Merge_EmptyAndIntoEmpty_KeepsQuantiles()
    {
        var sketch = Build(TestDistributions.Cauchy, 10_000, 5);
        var before = Quantiles.Select(sketch.Quantile).ToArray();

        sketch.Merge(new DDSketch());
        var fresh = new DDSketch();
        fresh.Merge(sketch);

        Assert.Equal(before, Quantiles.Select(sketch.Quantile));
        Assert.Equal(before, Quantiles.Select(fresh.Quantile));
    }

    [Fact]
    public void Copy_ThenAddToOriginal_CopyUnchanged()
    {
        var sketch = Build(TestDistributions.LogNormal, 10_000, 6);
        var copy = sketch.Copy();
        var before = Quantiles.Select(copy.Quantile).ToArray();

        for (var i = 0; i < 10_000; i++)
        {
            sketch.Add(1e6 + i);
        }

        Assert.Equal(10_000, copy.Count);
        Assert.Equal(before, Quantiles.Select(copy.Quantile));
    }

    [Fact]
    public void Clear_ThenReuse_BehavesLikeNew()
    {
        var sketch = Build(TestDistributions.Cauchy, 10_000, 8);
        sketch.Add(double.PositiveInfinity);

        sketch.Clear();
        Assert.True(sketch.IsEmpty);
        Assert.Equal(0, sketch.NonFiniteCount);
        Assert.Equal(0, sketch.ZeroCount);
        Assert.True(double.IsNaN(sketch.Quantile(0.5)));

        var fresh = new DDSketch();
        foreach (var value in TestDistributions.Sample(TestDistributions.Uniform, 5_000, 9))
        {
            sketch.Add(value);
            fresh.Add(value);
        }

        Assert.Equal(Quantiles.Select(fresh.Quantile), Quantiles.Select(sketch.Quantile));
    }

    [Theory]
    [InlineData(TestDistributions.MixedSignsAndZeros)]
    [InlineData(TestDistributions.Cauchy)]
    [InlineData(TestDistributions.DiscreteTies)]
    public void Snapshot_RoundTripThroughJson_GivesIdenticalSketch(string distribution)
    {
        var sketch = Build(distribution, 50_000, 10);
        sketch.Add(double.NegativeInfinity);

        var json = JsonSerializer.Serialize(sketch.ToSnapshot(), TelemetryJsonContext.Default.DDSketchSnapshot);
        var restored = DDSketch.FromSnapshot(JsonSerializer.Deserialize(json, TelemetryJsonContext.Default.DDSketchSnapshot)!);

        Assert.Equal(sketch.Count, restored.Count);
        Assert.Equal(sketch.ZeroCount, restored.ZeroCount);
        Assert.Equal(sketch.NonFiniteCount, restored.NonFiniteCount);
        Assert.Equal(sketch.Min, restored.Min);
        Assert.Equal(sketch.Max, restored.Max);
        Assert.Equal(sketch.Sum, restored.Sum);
        for (var q = 0.0; q <= 1; q += 0.001)
        {
            Assert.Equal(sketch.Quantile(q), restored.Quantile(q));
        }
    }

    [Fact]
    public void Snapshot_Empty_RoundTripsAsEmptyWithJsonFriendlyExtremes()
    {
        var snapshot = new DDSketch().ToSnapshot();
        var json = JsonSerializer.Serialize(snapshot, TelemetryJsonContext.Default.DDSketchSnapshot);

        var restored = DDSketch.FromSnapshot(JsonSerializer.Deserialize(json, TelemetryJsonContext.Default.DDSketchSnapshot)!);

        Assert.Equal(0, snapshot.Min);
        Assert.Equal(0, snapshot.Max);
        Assert.True(restored.IsEmpty);
        Assert.True(double.IsNaN(restored.Min));
    }

    [Fact]
    public void FromSnapshot_Inconsistent_Throws()
    {
        var good = Build(TestDistributions.Normal, 1_000, 12).ToSnapshot();

        Assert.Throws<ArgumentException>(() => DDSketch.FromSnapshot(good with { Count = good.Count + 1 }));
        Assert.Throws<ArgumentException>(() => DDSketch.FromSnapshot(good with { PositiveCounts = [-1, .. good.PositiveCounts] }));
        Assert.Throws<ArgumentException>(() => DDSketch.FromSnapshot(good with { RelativeAccuracy = 0 }));
        Assert.Throws<ArgumentException>(() => DDSketch.FromSnapshot(good with { Min = 5, Max = -5 }));
        Assert.Throws<ArgumentException>(() => DDSketch.FromSnapshot(good with { PositiveOffset = int.MaxValue }));
    }

    [Fact]
    public void Add_AfterWarmUp_DoesNotAllocate()
    {
        var values = TestDistributions.Sample(TestDistributions.MixedSignsAndZeros, 100_000, 13);
        var sketch = new DDSketch();
        AddAll(sketch, values);

        var before = GC.GetAllocatedBytesForCurrentThread();
        AddAll(sketch, values);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(200_000, sketch.Count);
    }

    [Fact]
    public void Constructor_OutOfRangeSettings_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DDSketch(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DDSketch(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DDSketch(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DDSketch(0.01, 8));
    }

    private static void AddAll(DDSketch sketch, double[] values)
    {
        foreach (var value in values)
        {
            sketch.Add(value);
        }
    }

    private static DDSketch Build(string distribution, int size, int seed)
    {
        var sketch = new DDSketch();
        AddAll(sketch, TestDistributions.Sample(distribution, size, seed));
        return sketch;
    }
}
