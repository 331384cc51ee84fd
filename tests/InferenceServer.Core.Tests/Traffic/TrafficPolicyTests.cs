using InferenceServer.Core.Traffic;

namespace InferenceServer.Core.Tests.Traffic;

public class TrafficPolicyTests
{
    [Fact]
    public void Create_WeightsInAnyOrder_SortsByVersion()
    {
        var policy = TrafficPolicy.Create([new(3, 1), new(1, 5), new(2, 0)], [], null);

        Assert.Equal<VersionWeight>([new VersionWeight(1, 5), new VersionWeight(2, 0), new VersionWeight(3, 1)], policy.Weights);
        Assert.True(policy.HasCanary);
    }

    [Fact]
    public void Versions_WeightedAndShadow_ListsEachOnceAscending()
    {
        var policy = TrafficPolicy.Create(
            [new(7, 1), new(2, 0), new(4, 3)],
            [new ShadowTarget(9, 10), new ShadowTarget(2, 10)],
            new RollbackPolicy(4) { MaxErrorRate = 0.1 });

        Assert.Equal<long>([2L, 4L, 7L, 9L], policy.Versions);
    }

    [Fact]
    public void WeightOf_UnweightedVersion_IsZero()
    {
        var policy = TrafficPolicy.Create([new(1, 90), new(2, 10)], [], null);

        Assert.Equal(90, policy.WeightOf(1));
        Assert.Equal(10, policy.WeightOf(2));
        Assert.Equal(0, policy.WeightOf(3));
    }

    [Fact]
    public void Create_ShadowOfZeroWeightVersion_IsAllowed()
    {
        // A rolled-back canary can stay as a shadow to keep comparing its outputs.
        var policy = TrafficPolicy.Create([new(1, 1), new(2, 0)], [new ShadowTarget(2, 100)], null);

        Assert.Equal(2, policy.Shadows[0].Version);
    }

    [Fact]
    public void Create_RolledBackCanary_IsStillValid()
    {
        // What the server writes after a trip: the canary's weight set to 0, the guard kept.
        var policy = TrafficPolicy.Create([new(1, 90), new(2, 0)], [], new RollbackPolicy(2) { MaxErrorRate = 0.05 });

        Assert.Equal(2, policy.Rollback!.Canary);
    }

    [Fact]
    public void Create_Invalid_ThrowsWithFieldPath()
    {
        var e = Assert.Throws<ArgumentException>(() => TrafficPolicy.Create([new(1, 1)], [new ShadowTarget(3, 0)], null));

        Assert.StartsWith("shadow[0].percent must be in (0, 100]", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void TryCreate_NonPositiveVersion_Fails(long version)
    {
        Assert.False(TrafficPolicy.TryCreate([new(version, 1)], [], null, out var policy, out var error));

        Assert.Null(policy);
        Assert.Contains($"weights.\"{version}\" must be a version", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_NaNPercent_Fails()
    {
        Assert.False(TrafficPolicy.TryCreate([], [new ShadowTarget(1, double.NaN)], null, out _, out var error));

        Assert.Contains("shadow[0].percent", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_Nothing_ReturnsNone()
    {
        Assert.True(TrafficPolicy.TryCreate([], [], null, out var policy, out var error));

        Assert.Same(TrafficPolicy.None, policy);
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public void Equals_SameContentDifferentInstances_AreEqual()
    {
        var a = TrafficPolicy.Create([new(2, 10), new(1, 90)], [new ShadowTarget(3, 5)], new RollbackPolicy(2) { MaxP99Ratio = 2 });
        var b = TrafficPolicy.Create([new(1, 90), new(2, 10)], [new ShadowTarget(3, 5)], new RollbackPolicy(2) { MaxP99Ratio = 2 });
        var c = TrafficPolicy.Create([new(1, 80), new(2, 20)], [new ShadowTarget(3, 5)], new RollbackPolicy(2) { MaxP99Ratio = 2 });

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData(25, 0.0, true)]
    [InlineData(25, 0.2499, true)]
    [InlineData(25, 0.25, false)]
    [InlineData(100, 0.9999999, true)]
    public void ShadowMirrors_Uniform_TrueBelowPercent(double percent, double uniform, bool expected)
    {
        Assert.Equal(expected, new ShadowTarget(3, percent).Mirrors(uniform));
    }

    [Fact]
    public void ShadowMirrors_ManyUniforms_MirrorsThePercent()
    {
        var random = new Random(7);
        var shadow = new ShadowTarget(3, 25);
        var mirrored = Enumerable.Range(0, 10_000).Count(_ => shadow.Mirrors(random.NextDouble()));

        // 5 sigma of Binomial(10 000, 0.25) is about 217.
        Assert.InRange(mirrored, 2500 - 217, 2500 + 217);
    }
}
