using InferenceServer.Core.Telemetry.Drift;

namespace InferenceServer.Core.Tests.Telemetry.Drift;

/// <summary>NaN and ±infinity are tracked as a share with a drift score of its own, whatever the finite values do.</summary>
public class MissingValueTests
{
    [Fact]
    public void NaNColumn_SameFiniteDistribution_DriftsOnTheInvalidShare()
    {
        var reference = DriftTestSketches.Reference(DriftTestSketches.Normal(10_000, 1, 0), 1);
        var current = DriftTestSketches.Normal(5_000, 2, 0).Select((v, i) => i % 5 == 0 ? v : double.NaN).ToArray();

        var score = DriftTestSketches.Score(reference, current, 2);

        Assert.Equal(0.8, score[DriftStatistics.InvalidShare], 1e-12);
        Assert.Equal(0.8, score[DriftStatistics.InvalidShareIncrease], 1e-12);
        Assert.True(score[DriftStatistics.Wasserstein] < 0.1, $"finite values moved by {score[DriftStatistics.Wasserstein]}");
        Assert.Equal(DriftLevel.Drift, DriftThresholds.Default.Classify(score));
    }

    [Fact]
    public void AllNaN_NoFiniteValue_DistributionStatisticsNaN_InvalidShareDrifts()
    {
        var reference = DriftTestSketches.Reference(DriftTestSketches.Normal(1_000, 3, 0), 3);

        var score = DriftTestSketches.Score(reference, [double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.NaN], 4);

        Assert.True(double.IsNaN(score[DriftStatistics.Wasserstein]));
        Assert.True(double.IsNaN(score[DriftStatistics.Psi]));
        Assert.Equal(1, score[DriftStatistics.InvalidShare]);
        Assert.Equal(DriftLevel.Drift, DriftThresholds.Default.Classify(score));
    }

    [Fact]
    public void ReferenceWithMissingValues_SameShareNow_NoDrift()
    {
        var referenceValues = DriftTestSketches.Normal(10_000, 5, 0).Select((v, i) => i % 10 == 0 ? double.NaN : v).ToArray();
        var currentValues = DriftTestSketches.Normal(10_000, 6, 0).Select((v, i) => i % 10 == 0 ? double.NaN : v).ToArray();

        var score = DriftTestSketches.Score(referenceValues, currentValues, 5);

        Assert.Equal(0.1, score[DriftStatistics.InvalidShare], 1e-12);
        Assert.Equal(0, score[DriftStatistics.InvalidShareIncrease], 1e-12);
        Assert.Equal(DriftLevel.None, DriftThresholds.Default.Classify(score));
    }

    [Fact]
    public void OutOfRangeShare_ValuesPastTheReferenceMax_CountedWithinRankError()
    {
        var reference = DriftTestSketches.Reference(Enumerable.Range(0, 10_000).Select(i => (double)i).ToArray(), 7);
        var current = Enumerable.Range(0, 10_000).Select(i => i + 2_500.0).ToArray();

        var score = DriftTestSketches.Score(reference, current, 8);

        Assert.Equal(0.25, score[DriftStatistics.OutOfRangeShare], 0.02);
    }
}
