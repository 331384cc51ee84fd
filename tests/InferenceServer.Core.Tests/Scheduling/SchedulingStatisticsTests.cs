using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;
using InferenceServer.Core.Tests.Infrastructure;
using static InferenceServer.Core.Tests.Infrastructure.BatchingModel;

namespace InferenceServer.Core.Tests.Scheduling;

/// <summary>
/// What <see cref="RequestScheduler"/> records in <see cref="ModelVersionStatistics"/> with dynamic batching
/// (Triton's model statistics). Invariants checked here:
/// <list type="number">
/// <item><c>batch_stats</c> has one entry per executed batch size (rows, not requests), ascending, whose compute
/// counts are the number of executions of that size.</item>
/// <item><c>execution_count</c> counts executions; <c>inference_count</c> counts the rows of successful requests.</item>
/// <item>Per request: <c>success</c> counts successes, <c>fail</c> failures (including a request an instance failed
/// inside an otherwise successful batch), <c>queue</c> and each <c>compute_*</c> count equal <c>success</c>.</item>
/// <item>Compute durations are charged to every successful request of the batch (Triton's rule).</item>
/// </list>
/// </summary>
public class SchedulingStatisticsTests
{
    [Fact]
    public async Task Execute_SeveralBatches_RecordsBatchStatsAndCountsPerRequestAndRow()
    {
        var recorder = new BatchRecorder(batch =>
        {
            foreach (var request in batch.Where(r => r.Id == "bad"))
            {
                request.SetError(InferenceError.InvalidArgument("model says no"));
            }
        });
        var statistics = new ModelVersionStatistics(8);
        using var scheduler = Scheduler(Config(maxBatchSize: 8, maxQueueDelayMicroseconds: 0), [recorder.Instance("m_0")], statistics, new FakeClock());
        var first = Request("first");
        using var hold = recorder.Hold(first);
        scheduler.Enqueue(first);
        await hold.Started;
        InferenceRequest[] queued = [Request("a", rows: 3), Request("b", rows: 3), Request("c", rows: 3), Request("d", rows: 3), Request("bad", rows: 1)];
        foreach (var request in queued)
        {
            scheduler.Enqueue(request);
        }

        hold.Release();
        await AllCompleted([first, .. queued]);

        // Executions: [first] 1 row, [a, b] 6 rows (c does not fit), [c, d, bad] 7 rows of which 6 succeeded.
        Assert.Equal([1L, 6L, 7L], recorder.Batches.Select(b => b.Rows));
        Assert.Equal(InferenceErrorCode.InvalidArgument, queued[4].Error.Code);
        Assert.Equal([1L, 6L, 7L], statistics.BatchSizes.Select(b => b.BatchSize));
        Assert.All(statistics.BatchSizes, b =>
        {
            Assert.Equal(1, b.ComputeInput.Count);
            Assert.Equal(1, b.ComputeInfer.Count);
            Assert.Equal(1, b.ComputeOutput.Count);
            Assert.Equal(2, b.ComputeInfer.Nanoseconds);
        });
        Assert.Equal(3, statistics.ExecutionCount);
        Assert.Equal(1 + 6 + 6, statistics.InferenceCount);
        Assert.Equal(5, statistics.Success.Count);
        Assert.Equal(1, statistics.Fail.Count);
        Assert.Equal(statistics.Success.Count, statistics.Queue.Count);
        Assert.Equal(statistics.Success.Count, statistics.ComputeInput.Count);
        Assert.Equal(statistics.Success.Count, statistics.ComputeInfer.Count);
        Assert.Equal(statistics.Success.Count, statistics.ComputeOutput.Count);

        // TestModelInstance reports 1/2/3 ns per execution; each successful request is charged its batch's.
        Assert.Equal(5 * 1, statistics.ComputeInput.Nanoseconds);
        Assert.Equal(5 * 2, statistics.ComputeInfer.Nanoseconds);
        Assert.Equal(5 * 3, statistics.ComputeOutput.Nanoseconds);
    }

    [Fact]
    public async Task Execute_SameBatchSizeTwice_CountsTwoExecutionsInOneEntry()
    {
        var recorder = new BatchRecorder();
        var statistics = new ModelVersionStatistics(4);
        using var scheduler = Scheduler(Config(maxBatchSize: 4, maxQueueDelayMicroseconds: 0), [recorder.Instance("m_0")], statistics, new FakeClock());
        var first = Request("first", rows: 4);
        using var hold = recorder.Hold(first);
        scheduler.Enqueue(first);
        await hold.Started;
        var queued = Enumerable.Range(0, 8).Select(i => Request($"r{i}")).ToArray();
        foreach (var request in queued)
        {
            scheduler.Enqueue(request);
        }

        hold.Release();
        await AllCompleted([first, .. queued]);

        var entry = Assert.Single(statistics.BatchSizes);
        Assert.Equal(4, entry.BatchSize);
        Assert.Equal(3, entry.ComputeInfer.Count);
        Assert.Equal(3, statistics.ExecutionCount);
        Assert.Equal(12, statistics.InferenceCount);
        Assert.Equal(9, statistics.Success.Count);
    }

    [Fact]
    public async Task Execute_WholeBatchFails_CountsFailuresAndNoExecution()
    {
        var recorder = new BatchRecorder(_ => throw new InvalidOperationException("boom"));
        var statistics = new ModelVersionStatistics(8);
        using var scheduler = Scheduler(Config(maxBatchSize: 8, maxQueueDelayMicroseconds: 0), [recorder.Instance("m_0")], statistics, new FakeClock());
        var request = Request("r", rows: 2);

        scheduler.Enqueue(request);
        await request.WaitAsync().WithTimeout();

        Assert.Equal(InferenceErrorCode.Internal, request.Error.Code);
        Assert.Equal(1, statistics.Fail.Count);
        Assert.Equal(0, statistics.Success.Count);
        Assert.Equal(0, statistics.Queue.Count);
        Assert.Equal(0, statistics.ExecutionCount);
        Assert.Equal(0, statistics.InferenceCount);
        Assert.Empty(statistics.BatchSizes);
    }
}
