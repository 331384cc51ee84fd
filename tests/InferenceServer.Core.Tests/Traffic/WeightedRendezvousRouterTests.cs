using System.Globalization;
using InferenceServer.Core.Traffic;

namespace InferenceServer.Core.Tests.Traffic;

/// <summary>
/// Shares are checked against 5-sigma binomial bounds: with n draws at share p a count outside
/// n·p ± 5·sqrt(n·p·(1 − p)) has odds below one in a million, and the seeds are fixed, so these never flake.
/// </summary>
public class WeightedRendezvousRouterTests
{
    private const int Keys = 10_000;

    private static readonly VersionWeight[] NinetyTen = [new(1, 90), new(2, 10)];
    private static readonly VersionWeight[] EightyTwenty = [new(1, 80), new(2, 20)];

    [Fact]
    public void RouteKey_NinetyTen_SharesWithinFiveSigma()
    {
        var router = new WeightedRendezvousRouter(NinetyTen);

        var toCanary = KeyHashes().Count(hash => router.Route(hash) == 2);

        AssertBinomial(toCanary, Keys, 0.1);
    }

    [Fact]
    public void RouteKey_SequentialRawHashes_SharesWithinFiveSigma()
    {
        // A caller may pass its own numeric key (a user id) as the hash: consecutive values must spread too.
        var router = new WeightedRendezvousRouter(NinetyTen);

        var toCanary = Enumerable.Range(0, Keys).Count(i => router.Route((ulong)i) == 2);

        AssertBinomial(toCanary, Keys, 0.1);
    }

    [Fact]
    public void RouteKey_ThreeVersions_EachShareWithinFiveSigma()
    {
        var router = new WeightedRendezvousRouter([new(1, 50), new(2, 30), new(5, 20)]);

        var counts = KeyHashes().GroupBy(router.Route).ToDictionary(g => g.Key, g => g.Count());

        AssertBinomial(counts[1], Keys, 0.5);
        AssertBinomial(counts[2], Keys, 0.3);
        AssertBinomial(counts[5], Keys, 0.2);
    }

    [Fact]
    public void RouteUniform_NinetyTen_SharesWithinFiveSigma()
    {
        var router = new WeightedRendezvousRouter(NinetyTen);
        var random = new Random(42);

        var toCanary = Enumerable.Range(0, Keys).Count(_ => router.Route(random.NextDouble()) == 2);

        AssertBinomial(toCanary, Keys, 0.1);
    }

    [Fact]
    public void RouteKey_SameKey_AlwaysSameVersion()
    {
        var first = new WeightedRendezvousRouter(NinetyTen);
        // A second router built from the same weights in another order stands in for another process.
        var second = new WeightedRendezvousRouter([.. NinetyTen.Reverse()]);

        foreach (var hash in KeyHashes())
        {
            var version = first.Route(hash);
            Assert.Equal(version, first.Route(hash));
            Assert.Equal(version, second.Route(hash));
        }
    }

    [Fact]
    public void RouteKey_NinetyTenToEightyTwenty_MovesTenPercentAllToCanary()
    {
        var before = new WeightedRendezvousRouter(NinetyTen);
        var after = new WeightedRendezvousRouter(EightyTwenty);

        var moved = 0;
        foreach (var hash in KeyHashes())
        {
            var from = before.Route(hash);
            var to = after.Route(hash);
            if (from != to)
            {
                moved++;
                Assert.Equal((1L, 2L), (from, to));
            }
        }

        Assert.InRange(moved, Keys * 8 / 100, Keys * 12 / 100);
    }

    /// <summary>
    /// Invariant: raising one version's weight never moves a key away from that version nor between two other
    /// versions; every moved key moves onto the raised version. Checked over seeded random weight sets.
    /// </summary>
    [Fact]
    public void RouteKey_RaisingOneWeight_OnlyMovesKeysOntoIt()
    {
        var random = new Random(5);
        var hashes = KeyHashes().Take(2000).ToArray();
        for (var trial = 0; trial < 50; trial++)
        {
            var weights = Enumerable.Range(1, random.Next(2, 6)).Select(v => new VersionWeight(v, random.Next(1, 100))).ToArray();
            var raised = random.Next(weights.Length);
            var after = (VersionWeight[])weights.Clone();
            after[raised] = after[raised] with { Weight = after[raised].Weight + random.Next(1, 100) };
            var routerBefore = new WeightedRendezvousRouter(weights);
            var routerAfter = new WeightedRendezvousRouter(after);

            foreach (var hash in hashes)
            {
                var from = routerBefore.Route(hash);
                var to = routerAfter.Route(hash);
                Assert.True(from == to || to == weights[raised].Version, $"trial {trial}: key moved {from} → {to}");
            }
        }
    }

    [Fact]
    public void Route_ZeroWeightVersion_NeverChosen()
    {
        var router = new WeightedRendezvousRouter([new(1, 0), new(2, 1), new(3, 0)]);
        var random = new Random(3);

        Assert.All(KeyHashes(), hash => Assert.Equal(2, router.Route(hash)));
        for (var i = 0; i < Keys; i++)
        {
            Assert.Equal(2, router.Route(random.NextDouble()));
        }

        Assert.Equal(1, router.TotalWeight);
    }

    [Fact]
    public void Route_SingleVersion_GetsEverything()
    {
        var router = new WeightedRendezvousRouter([new(7, 3)]);

        Assert.All(KeyHashes(), hash => Assert.Equal(7, router.Route(hash)));
        Assert.Equal(7, router.Route(0.0));
        Assert.Equal(7, router.Route(0.999999));
    }

    [Theory]
    [InlineData(0.0, 1)]
    [InlineData(0.8999, 1)]
    [InlineData(0.9, 2)]
    [InlineData(0.9999999, 2)]
    // Out of range values are clamped, never thrown on.
    [InlineData(-1.0, 1)]
    [InlineData(double.NaN, 1)]
    [InlineData(1.0, 2)]
    [InlineData(5.0, 2)]
    public void RouteUniform_CumulativeBoundaries_PickByRange(double uniform, long expected)
    {
        Assert.Equal(expected, new WeightedRendezvousRouter(NinetyTen).Route(uniform));
    }

    [Theory]
    [InlineData(new long[] { 1, 1 }, new[] { 1, 2 })]
    [InlineData(new long[] { 1 }, new[] { -1 })]
    [InlineData(new long[] { 1, 2 }, new[] { 0, 0 })]
    [InlineData(new long[0], new int[0])]
    public void Constructor_InvalidWeights_Throws(long[] versions, int[] weights)
    {
        Assert.Throws<ArgumentException>(() => new WeightedRendezvousRouter(versions.Zip(weights, (v, w) => new VersionWeight(v, w))));
    }

    [Fact]
    public void Route_WarmRouter_DoesNotAllocate()
    {
        var router = new WeightedRendezvousRouter([new(1, 50), new(2, 30), new(3, 20)]);
        var sink = router.Route(1UL) + router.Route(0.5) + (long)WeightedRendezvousRouter.HashKey("warm");

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            sink += router.Route((ulong)i) + router.Route(i / 1000.0) + (long)WeightedRendezvousRouter.HashKey("user-1234-ключ");
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.NotEqual(0, sink);
    }

    /// <summary>
    /// Golden values: the hash and the routes are a contract across processes and releases (a change would move
    /// every sticky user). If this fails, the change broke stickiness for every deployed policy. The values were
    /// computed independently from the documented algorithm, not read back from this implementation.
    /// </summary>
    [Fact]
    public void HashKeyAndRoute_GoldenValues_AreStable()
    {
        Assert.Equal(0xF52A15E9A9B5E89BUL, WeightedRendezvousRouter.HashKey(""));
        Assert.Equal(0x7A1596F0E94B5793UL, WeightedRendezvousRouter.HashKey("user-42"));
        Assert.Equal(0x7A1596F0E94B5793UL, WeightedRendezvousRouter.HashKey("user-42"u8));

        var router = new WeightedRendezvousRouter([new(1, 50), new(2, 50)]);
        var routes = string.Concat(Enumerable.Range(0, 32).Select(i => router.Route(WeightedRendezvousRouter.HashKey($"user-{i}")).ToString(CultureInfo.InvariantCulture)));
        Assert.Equal("22122121222111122121111122121122", routes);
    }

    private static IEnumerable<ulong> KeyHashes() =>
        Enumerable.Range(0, Keys).Select(i => WeightedRendezvousRouter.HashKey($"user-{i}"));

    private static void AssertBinomial(int count, int n, double p)
    {
        var mean = n * p;
        var fiveSigma = 5 * Math.Sqrt(n * p * (1 - p));
        Assert.InRange(count, mean - fiveSigma, mean + fiveSigma);
    }
}
