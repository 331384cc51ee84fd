using Inference;
using InferenceServer.Core.Scheduling;
using static InferenceServer.Core.Tests.Infrastructure.BatchingModel;

namespace InferenceServer.Core.Tests.Scheduling;

/// <summary>
/// The expected queue wait a deadline is held against: unknown (0) before any execution was measured; 0 when the
/// request fits in the next execution; otherwise the executions ahead of it (full batches of the rows ahead, or one per
/// request without batching), spread over the instances, at the measured cost of a full batch. Never more than the
/// queue ahead can take, so a refusal on it is never premature.
/// </summary>
public sealed class ExpectedWaitTests
{
    private static readonly SchedulerPolicy Unbatched = SchedulerPolicy.FromConfig(new ModelConfig { Name = "m", MaxBatchSize = 0 });

    private static readonly SchedulerPolicy BatchesOfFour = SchedulerPolicy.FromConfig(Config(maxBatchSize: 4, maxQueueDelayMicroseconds: 0));

    private static ExecutionCostModel Costs(params (long Rows, long Ticks)[] executions)
    {
        var costs = new ExecutionCostModel();
        foreach (var (rows, ticks) in executions)
        {
            costs.Record(rows, ticks);
        }

        return costs;
    }

    [Fact]
    public void NothingMeasured_Unknown() =>
        Assert.Equal(0, ExpectedWait.Ticks(rowsAhead: 1_000, requestsAhead: 1_000, rows: 1, Unbatched, instances: 1, new ExecutionCostModel()));

    [Theory]
    [InlineData(0, 1, 0)]
    [InlineData(1, 1, 100)]
    [InlineData(3, 1, 300)]
    [InlineData(3, 2, 200)] // two instances: executions 1 and 2 together, then 3
    [InlineData(4, 2, 200)]
    public void Unbatched_OneExecutionPerRequestAhead_SpreadOverInstances(int requestsAhead, int instances, double expected) =>
        Assert.Equal(expected, ExpectedWait.Ticks(requestsAhead, requestsAhead, rows: 1, Unbatched, instances, Costs((1, 100))));

    [Theory]
    [InlineData(0, 1, 0)]
    [InlineData(3, 1, 0)] // fits in the next batch with the three rows ahead
    [InlineData(4, 1, 1)] // a full batch first
    [InlineData(7, 1, 1)]
    [InlineData(8, 1, 2)]
    [InlineData(8, 2, 1)]
    public void Batched_FullBatchesOfTheRowsAhead(long rowsAhead, int instances, int batchesFirst)
    {
        // run(rows) = 100 + 10 × rows: a full batch of four costs 140.
        var costs = Costs((1, 110), (4, 140));
        Assert.Equal(batchesFirst * 140, ExpectedWait.Ticks(rowsAhead, requestsAhead: (int)rowsAhead, rows: 1, BatchesOfFour, instances, costs), precision: 6);
    }

    [Fact]
    public void Batched_ARequestOfSeveralRows_WaitsForTheBatchesItDoesNotFitIn() =>
        Assert.Equal(140, ExpectedWait.Ticks(rowsAhead: 2, requestsAhead: 1, rows: 3, BatchesOfFour, instances: 1, Costs((1, 110), (4, 140))), precision: 6);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(999_999, 1)]
    [InlineData(1_000_000, 1)]
    [InlineData(1_000_001, 2)]
    [InlineData(0.5, 1)]
    public void RetryAfter_WholeSecondsRoundedUp_AtLeastOne(double ticks, int seconds) =>
        Assert.Equal(seconds, ExpectedWait.RetryAfterSeconds(ticks, ticksPerSecond: 1_000_000));
}
