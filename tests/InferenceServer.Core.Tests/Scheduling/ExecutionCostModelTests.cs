using InferenceServer.Core.Scheduling;

namespace InferenceServer.Core.Tests.Scheduling;

/// <summary>
/// The fitted line <c>run(rows) = fixed + perRow × rows</c>: unknown (0) before any execution, the run time itself
/// from one batch size (an upper bound), exact from two on a
/// true line, kept when later executions are all of one size, never negative nor above the smallest batch's time,
/// and read from the two largest sizes, so small batches run on cold caches do not count as fixed cost; sizes not
/// seen for <see cref="ExecutionCostModel.FreshExecutions"/> executions no longer count.
/// </summary>
public sealed class ExecutionCostModelTests
{
    [Fact]
    public void NothingRecorded_FixedCostUnknown() => Assert.Equal(0, new ExecutionCostModel().FixedTicks);

    [Fact]
    public void OneSize_ItsRunTimeStandsIn()
    {
        var model = new ExecutionCostModel();
        model.Record(64, 2_000);
        for (var i = 0; i < 10; i++)
        {
            model.Record(64, 3_000);
        }

        // The band's running average moves towards the newer runs but remembers the first.
        Assert.InRange(model.FixedTicks, 2_500, 3_000);
    }

    [Fact]
    public void NothingRecorded_PerRowCostUnknown() => Assert.Equal(0, new ExecutionCostModel().PerRowTicks);

    [Fact]
    public void ASlowSmallBand_DoesNotCountAsFixedCost()
    {
        // Batches of 16 and 64 lie on 100 + 30 × rows; single rows ran after idle spells, five times slower.
        var model = new ExecutionCostModel();
        model.Record(1, 650);
        model.Record(16, 100 + (30 * 16));
        model.Record(64, 100 + (30 * 64));

        Assert.Equal(100, model.FixedTicks, precision: 6);
        Assert.Equal(30, model.PerRowTicks, precision: 6);
    }

    [Fact]
    public void TwoSizesOnALine_GiveItsIntercept()
    {
        var model = new ExecutionCostModel();
        model.Record(1, 1_100);
        model.Record(64, 1_000 + (100 * 64));

        Assert.Equal(1_000, model.FixedTicks, precision: 6);
    }

    [Fact]
    public void ManyFullBatchesLater_TheSmallBandIsKept()
    {
        var model = new ExecutionCostModel();
        model.Record(2, 1_200);
        for (var i = 0; i < 1_000; i++)
        {
            model.Record(64, 1_000 + (100 * 64));
        }

        Assert.Equal(1_000, model.FixedTicks, precision: 6);
    }

    [Fact]
    public void BiggerBatchesFaster_FixedCostClampedToTheSmallBatchTime()
    {
        var model = new ExecutionCostModel();
        model.Record(1, 500);
        model.Record(32, 400);

        Assert.Equal(500, model.FixedTicks, precision: 6);
    }

    [Fact]
    public void PerRowCostAboveTheSmallBatchTime_FixedCostIsZero()
    {
        // A line through (1, 100) and (8, 2,000) crosses zero rows below zero: no fixed cost to save.
        var model = new ExecutionCostModel();
        model.Record(1, 100);
        model.Record(8, 2_000);

        Assert.Equal(0, model.FixedTicks);
    }

    [Fact]
    public void ABandNotSeenForLong_NoLongerCounts()
    {
        // Start-up: 41-row batches on cold caches, 60 per row. Then batches of 16 and 64 on 100 + 30 × rows; the
        // 41-row band, the second largest, would otherwise read as a fixed cost of 41 × 60 − 41 × 31.3 ≈ 1,176.
        var model = new ExecutionCostModel();
        model.Record(41, 41 * 60);
        for (var i = 0; i < ExecutionCostModel.FreshExecutions; i++)
        {
            model.Record(i % 2 == 0 ? 16 : 64, 100 + (30 * (i % 2 == 0 ? 16 : 64)));
        }

        Assert.Equal(100, model.FixedTicks, precision: 6);
        Assert.Equal(30, model.PerRowTicks, precision: 6);
    }

    [Fact]
    public void ABandSeenAgainAfterLong_StartsItsAverageAfresh()
    {
        var model = new ExecutionCostModel();
        model.Record(32, 32 * 1_000);
        for (var i = 0; i < ExecutionCostModel.FreshExecutions; i++)
        {
            model.Record(64, 100 + (30 * 64));
        }

        model.Record(32, 100 + (30 * 32));

        Assert.Equal(100, model.FixedTicks, precision: 6);
    }

    [Fact]
    public void OnlyOneSizeLately_TheLastLineStays()
    {
        var model = new ExecutionCostModel();
        model.Record(16, 100 + (30 * 16));
        model.Record(64, 100 + (30 * 64));
        for (var i = 0; i < 2 * ExecutionCostModel.FreshExecutions; i++)
        {
            model.Record(16, 100 + (30 * 16));
        }

        Assert.Equal(100, model.FixedTicks, precision: 6);
        Assert.Equal(30, model.PerRowTicks, precision: 6);
    }
}
