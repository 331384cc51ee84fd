using CsCheck;
using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Tests.Telemetry.Sketches;

/// <summary>
/// The Misra–Gries guarantee as a property against exact counts: for every category c of a stream of N values,
/// count(c) − N/(k+1) ≤ estimate(c) ≤ count(c), for any capacity, skew and cardinality, after adding values one by
/// one or after merging sketches of parts; at most k distinct categories are exact; a snapshot round-trips.
/// </summary>
public class FrequentItemsTests
{
    // Zipf-like draws over a given cardinality: a few heavy categories and a long tail, where the bound matters.
    private static long[] Stream(int size, int cardinality, double skew, int seed)
    {
        var random = new Random(seed);
        var weights = Enumerable.Range(1, cardinality).Select(r => 1 / Math.Pow(r, skew)).ToArray();
        var cumulative = new double[cardinality];
        var sum = 0.0;
        for (var i = 0; i < cardinality; i++)
        {
            sum += weights[i];
            cumulative[i] = sum;
        }

        return Enumerable.Range(0, size).Select(_ =>
        {
            var index = Array.BinarySearch(cumulative, random.NextDouble() * sum);
            return (long)(index < 0 ? ~index : index) * 7919;
        }).ToArray();
    }

    private static bool WithinBound(FrequentItems sketch, long[] values)
    {
        var exact = values.GroupBy(v => v).ToDictionary(g => g.Key, g => (long)g.Count());
        var bound = (double)values.Length / (sketch.Capacity + 1);
        return sketch.Total == values.Length
            && sketch.Distinct <= sketch.Capacity
            && exact.All(e => sketch.Count(e.Key) <= e.Value && sketch.Count(e.Key) >= e.Value - bound)
            && sketch.Counts.All(c => exact.ContainsKey(c.Key));
    }

    [Fact]
    public void Add_AnyStream_EveryCountWithinNOverKPlusOneBelowExact()
    {
        // One thread: the generator's cases are cheap and the assertion reads only its own arrays.
        Gen.Select(Gen.Int[1, 5_000], Gen.Int[1, 400], Gen.Double[0, 2], Gen.Int[1, 120], Gen.Int).Sample(
            (size, cardinality, skew, capacity, seed) =>
            {
                var values = Stream(size, cardinality, skew, seed);
                var sketch = new FrequentItems(capacity);
                foreach (var value in values)
                {
                    sketch.Add(value);
                }

                return WithinBound(sketch, values);
            },
            iter: 200,
            threads: 1);
    }

    [Fact]
    public void Merge_AnySplit_BoundHoldsForTheCombinedTotal()
    {
        Gen.Select(Gen.Int[1, 5_000], Gen.Int[1, 400], Gen.Double[0, 2], Gen.Int[1, 120], Gen.Int[1, 6], Gen.Int).Sample(
            (size, cardinality, skew, capacity, parts, seed) =>
            {
                var values = Stream(size, cardinality, skew, seed);
                var merged = new FrequentItems(capacity);
                foreach (var part in values.Chunk(Math.Max(1, (values.Length + parts - 1) / parts)))
                {
                    var sketch = new FrequentItems(capacity);
                    foreach (var value in part)
                    {
                        sketch.Add(value);
                    }

                    merged.Merge(sketch);
                }

                return WithinBound(merged, values);
            },
            iter: 200,
            threads: 1);
    }

    [Fact]
    public void Add_AtMostCapacityCategories_CountsAreExact()
    {
        var values = Stream(10_000, 20, 1, 3);
        var sketch = new FrequentItems();
        foreach (var value in values)
        {
            sketch.Add(value);
        }

        Assert.True(sketch.IsExact);
        Assert.All(values.GroupBy(v => v), g => Assert.Equal(g.Count(), sketch.Count(g.Key)));
    }

    [Fact]
    public void AddText_KeysByUtf8_AndSnapshotRoundTripsLabelsAndCounts()
    {
        var sketch = new FrequentItems(2);
        foreach (var text in new[] { "visa", "visa", "amex", "visa", "mc", "visa", "amex" })
        {
            sketch.AddText(System.Text.Encoding.UTF8.GetBytes(text));
        }

        var copy = FrequentItems.FromSnapshot(sketch.ToSnapshot());

        Assert.True(copy.IsText);
        Assert.Equal(7, copy.Total);
        Assert.Equal(sketch.Count(FrequentItems.TextKey("visa"u8)), copy.Count(FrequentItems.TextKey("visa"u8)));
        Assert.Equal("visa", copy.Label(FrequentItems.TextKey("visa"u8)));
        Assert.Equal(sketch.Untracked, copy.Untracked);
        Assert.True(copy.Untracked > 0);
    }

    [Fact]
    public void FromSnapshot_CountsOverTheTotal_Refused()
    {
        var snapshot = new FrequentItemsSnapshot { Total = 1, Items = [new() { Value = "3", Count = 2 }] };

        Assert.Throws<ArgumentException>(() => FrequentItems.FromSnapshot(snapshot));
    }
}
