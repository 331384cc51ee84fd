using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;
using InferenceServer.Core.Tests.Infrastructure;
using static InferenceServer.Core.Tests.Infrastructure.BatchingModel;

namespace InferenceServer.Core.Tests.Scheduling;

/// <summary>
/// Priority levels of <see cref="RequestScheduler"/> (<c>dynamic_batching.priority_levels</c>). Invariants checked here:
/// <list type="number">
/// <item>Queued requests are served level 1 first, then 2, and so on, whatever order they arrived in.</item>
/// <item>Within one level service is FIFO.</item>
/// <item>A request with priority 0, or above <c>priority_levels</c>, is served at <c>default_priority_level</c>
/// (Triton's rule), in arrival order with the requests that named that level.</item>
/// </list>
/// Each test lines requests up behind one instance held inside a first request, then releases it; with
/// <c>max_batch_size</c> 1 each execution is one request, so the execution order is the service order.
/// </summary>
public class PrioritySchedulingTests
{
    private static global::Inference.ModelConfig Levels(ulong levels, ulong defaultLevel)
    {
        var config = Config(maxBatchSize: 1, maxQueueDelayMicroseconds: 0);
        config.DynamicBatching.PriorityLevels = levels;
        config.DynamicBatching.DefaultPriorityLevel = defaultLevel;
        return config;
    }

    private static async Task<string[]> ServiceOrder(global::Inference.ModelConfig config, InferenceRequest[] queued)
    {
        var recorder = new BatchRecorder();
        using var scheduler = Scheduler(config, [recorder.Instance("m_0")], new ModelVersionStatistics(config.MaxBatchSize), new FakeClock());
        var first = Request("first");
        using var hold = recorder.Hold(first);
        scheduler.Enqueue(first);
        await hold.Started;
        foreach (var request in queued)
        {
            scheduler.Enqueue(request);
        }

        Assert.Equal(queued.Length, scheduler.PendingCount);
        hold.Release();
        await AllCompleted([first, .. queued]);

        Assert.Empty(recorder.Problems);
        Assert.All(queued, r => Assert.False(r.Error.IsError, r.Error.Message));
        var batches = recorder.Batches;
        Assert.All(batches, b => Assert.Single(b.Requests));
        Assert.Equal("first", batches[0].Requests[0].Id);
        return batches.Skip(1).Select(b => b.Requests[0].Id).ToArray();
    }

    [Fact]
    public async Task Enqueue_MixedLevels_ServedInLevelOrderAndFifoWithinLevel()
    {
        InferenceRequest[] queued =
        [
            Request("3a", priority: 3), Request("1a", priority: 1), Request("2a", priority: 2),
            Request("3b", priority: 3), Request("1b", priority: 1), Request("2b", priority: 2),
            Request("1c", priority: 1),
        ];

        var order = await ServiceOrder(Levels(3, 3), queued);

        Assert.Equal(["1a", "1b", "1c", "2a", "2b", "3a", "3b"], order);
    }

    [Fact]
    public async Task Enqueue_PriorityZeroOrOutOfRange_ServedAtDefaultLevelInArrivalOrder()
    {
        // Default level 2: "zero" and "ninety-nine" join "two" in arrival order, after "one", before "three".
        InferenceRequest[] queued =
        [
            Request("zero", priority: 0), Request("three", priority: 3), Request("one", priority: 1),
            Request("ninety-nine", priority: 99), Request("two", priority: 2), Request("four", priority: 4),
        ];

        var order = await ServiceOrder(Levels(3, 2), queued);

        Assert.Equal(["one", "zero", "ninety-nine", "two", "four", "three"], order);
    }

    [Theory]
    [InlineData(0UL, 2)]
    [InlineData(1UL, 1)]
    [InlineData(2UL, 2)]
    [InlineData(3UL, 3)]
    [InlineData(4UL, 2)]
    [InlineData(ulong.MaxValue, 2)]
    public void LevelFor_Priority_MapsOutOfRangeToDefault(ulong priority, int level)
    {
        var policy = SchedulerPolicy.FromConfig(Levels(3, 2));

        Assert.Equal(level, policy.LevelFor(priority));
    }
}
