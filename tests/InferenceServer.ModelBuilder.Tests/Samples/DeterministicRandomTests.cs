using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.ModelBuilder.Tests.Samples;

public sealed class DeterministicRandomTests
{
    [Fact]
    public void NextUInt64_SeedZero_MatchesSplitMix64ReferenceSequence()
    {
        // The first outputs of the reference SplitMix64 for seed 0.
        var random = new DeterministicRandom(0);

        Assert.Equal(0xE220A8397B1DCDAFUL, random.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, random.NextUInt64());
        Assert.Equal(0x06C45D188009454FUL, random.NextUInt64());
    }

    [Fact]
    public void NextSymmetric_ManyDraws_StayWithinLimit()
    {
        var random = new DeterministicRandom(7);

        for (var i = 0; i < 10_000; i++)
        {
            Assert.InRange(random.NextSymmetric(0.25f), -0.25f, 0.25f);
        }
    }

    [Fact]
    public void NextSingle_SameSeed_SameSequence()
    {
        DeterministicRandom a = new(123), b = new(123);

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(a.NextSingle(), b.NextSingle());
        }
    }
}
