using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Tests.Telemetry.Sketches;

/// <summary>
/// The bounded store against a model. Invariants checked after random adds and merges:
/// <list type="number">
/// <item>No count is lost: the total equals the sum of everything added.</item>
/// <item>The occupied range never spans more than <c>maxBins</c> bins, and the array never exceeds it.</item>
/// <item>Collapsing lowest: each count sits in bin <c>max(i, highest − maxBins + 1)</c>, where i is the
/// index it was added at and highest the highest index ever added.</item>
/// </list>
/// </summary>
public class CollapsingLowestDenseStoreTests
{
    [Fact]
    public void Add_RandomIndexesManySeeds_MatchesCollapsingLowestModel()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var maxBins = random.Next(1, 40);
            var store = new CollapsingLowestDenseStore(maxBins);
            var added = new List<(int Index, long Count)>();
            var center = random.Next(-1000, 1000);
            var spread = random.Next(1, 200);
            var operations = random.Next(1, 300);
            for (var op = 0; op < operations; op++)
            {
                // Drift the center now and then so the window moves up and down.
                if (random.Next(20) == 0)
                {
                    center += random.Next(-100, 100);
                }

                var index = center + random.Next(-spread, spread + 1);
                var count = random.Next(1, 5);
                store.Add(index, count);
                added.Add((index, count));
                AssertInvariants(store, maxBins);
            }

            AssertMatchesModel(store, maxBins, added);
        }
    }

    [Fact]
    public void MergeFrom_RandomStores_MatchesModelOfBothInputs()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var maxBins = random.Next(1, 40);
            var left = new CollapsingLowestDenseStore(maxBins);
            var right = new CollapsingLowestDenseStore(maxBins);
            var added = new List<(int Index, long Count)>();
            foreach (var store in new[] { left, right })
            {
                var center = random.Next(-100, 100);
                for (var op = random.Next(0, 100); op > 0; op--)
                {
                    var index = center + random.Next(-60, 61);
                    store.Add(index, 1);
                    added.Add((index, 1));
                }
            }

            left.MergeFrom(right);

            AssertInvariants(left, maxBins);
            AssertMatchesModel(left, maxBins, added);
        }
    }

    [Fact]
    public void IndexAtRank_FromEitherEnd_FindsBinHoldingThatItem()
    {
        var store = new CollapsingLowestDenseStore(100);
        store.Add(3, 2);
        store.Add(5, 1);
        store.Add(9, 3);

        Assert.Equal(3, store.IndexAtRank(0, fromHighest: false));
        Assert.Equal(3, store.IndexAtRank(1.9, fromHighest: false));
        Assert.Equal(5, store.IndexAtRank(2, fromHighest: false));
        Assert.Equal(9, store.IndexAtRank(5, fromHighest: false));
        Assert.Equal(9, store.IndexAtRank(2.5, fromHighest: true));
        Assert.Equal(5, store.IndexAtRank(3, fromHighest: true));
        Assert.Equal(3, store.IndexAtRank(5, fromHighest: true));
    }

    private static void AssertInvariants(CollapsingLowestDenseStore store, int maxBins)
    {
        Assert.True(store.AllocatedBins <= maxBins, $"allocated {store.AllocatedBins} > {maxBins}");
        if (!store.IsEmpty)
        {
            Assert.True(store.MaxIndex - store.MinIndex < maxBins);
            Assert.NotEqual(0, store.CountAt(store.MinIndex));
            Assert.NotEqual(0, store.CountAt(store.MaxIndex));
        }
    }

    private static void AssertMatchesModel(CollapsingLowestDenseStore store, int maxBins, List<(int Index, long Count)> added)
    {
        Assert.Equal(added.Sum(a => a.Count), store.Total);
        if (added.Count == 0)
        {
            Assert.True(store.IsEmpty);
            return;
        }

        var lowestKept = added.Max(a => a.Index) - maxBins + 1;
        var expected = added
            .GroupBy(a => Math.Max(a.Index, lowestKept))
            .ToDictionary(g => g.Key, g => g.Sum(a => a.Count));
        for (var index = store.MinIndex - 2; index <= store.MaxIndex + 2; index++)
        {
            Assert.Equal(expected.GetValueOrDefault(index), store.CountAt(index));
        }

        var (offset, counts) = store.ToArray();
        Assert.Equal(expected.Keys.Min(), offset);
        Assert.Equal(expected.Values.Sum(), counts.Sum());
    }
}
