using Inference;
using InferenceServer.Core.Models.Repository;

namespace InferenceServer.Core.Tests.Models.Repository;

public class VersionPolicyTests
{
    private static readonly long[] OnDisk = [1, 2, 3, 7, 10];

    private static ModelVersionPolicy Latest(uint n) => new() { Latest = new ModelVersionPolicy.Types.Latest { NumVersions = n } };

    private static ModelVersionPolicy Specific(params long[] versions)
    {
        var specific = new ModelVersionPolicy.Types.Specific();
        specific.Versions.AddRange(versions);
        return new ModelVersionPolicy { Specific = specific };
    }

    [Fact]
    public void Select_NoPolicy_TakesHighestVersion()
    {
        Assert.Equal([10L], VersionPolicy.Select(null, OnDisk));
        Assert.Equal([10L], VersionPolicy.Select(new ModelVersionPolicy(), OnDisk));
    }

    [Fact]
    public void Select_NoVersionsOnDisk_TakesNone()
    {
        Assert.Empty(VersionPolicy.Select(null, []));
        Assert.Empty(VersionPolicy.Select(Latest(2), []));
        Assert.Empty(VersionPolicy.Select(new ModelVersionPolicy { All = new ModelVersionPolicy.Types.All() }, []));
    }

    [Theory]
    [InlineData(1u, new long[] { 10 })]
    [InlineData(2u, new long[] { 7, 10 })]
    [InlineData(5u, new long[] { 1, 2, 3, 7, 10 })]
    [InlineData(9u, new long[] { 1, 2, 3, 7, 10 })]
    [InlineData(0u, new long[] { 10 })]
    public void Select_Latest_TakesTheNHighest(uint n, long[] expected)
    {
        Assert.Equal(expected, VersionPolicy.Select(Latest(n), OnDisk));
    }

    [Fact]
    public void Select_All_TakesEveryVersion()
    {
        Assert.Equal(OnDisk, VersionPolicy.Select(new ModelVersionPolicy { All = new ModelVersionPolicy.Types.All() }, OnDisk));
    }

    [Fact]
    public void Select_Specific_TakesListedVersionsSortedAndDistinct()
    {
        Assert.Equal([2L, 7L], VersionPolicy.Select(Specific(7, 2, 7), OnDisk));
    }

    [Fact]
    public void Select_SpecificVersionNotOnDisk_IsStillSelected()
    {
        // The loader reports a listed-but-missing version as unavailable, so it must survive selection.
        Assert.Equal([3L, 4L], VersionPolicy.Select(Specific(4, 3), OnDisk));
    }
}
