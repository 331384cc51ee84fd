using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;
using InferenceServer.Core.Tests.Infrastructure;
using static InferenceServer.Core.Tests.Infrastructure.BatchingModel;

namespace InferenceServer.Core.Tests.Scheduling;

/// <summary>
/// Batch formation (<see cref="BatchPlanner"/>) through the real <see cref="RequestScheduler"/>, with time on a
/// fake clock. Invariants checked here:
/// <list type="number">
/// <item>A batch never holds more rows than <c>max_batch_size</c>; requests keep their rows whole (3+3+3 under 8 is 6, then 3).</item>
/// <item>A batch runs at once when it is full, when the next request does not fit, or when the next request cannot
/// share the execution; otherwise, with <c>max_queue_delay</c> &gt; 0, nothing runs until the oldest request has
/// waited that long, and then everything queued runs as one batch.</item>
/// <item><c>max_queue_delay</c> 0 sends whatever is queued.</item>
/// <item>When a <c>preferred_batch_size</c> can be formed it is sent at once, the largest one that can.</item>
/// <item>Requests whose non-batch input dimensions differ, or that ask for different outputs, never share a batch.</item>
/// <item>Requests keep arrival order inside and across batches.</item>
/// </list>
/// Proof that the scheduler chose to wait is the timer it arms for the deadline (<see cref="FakeClock.TimerArmedAsync"/>);
/// a request that must not run before the clock moves is checked after that point, never after a sleep.
/// </summary>
public class DynamicBatchingTests
{
    private static readonly TimeSpan LongDelay = TimeSpan.FromSeconds(10);

    private static ulong Microseconds(TimeSpan delay) => (ulong)(delay.Ticks / TimeSpan.TicksPerMicrosecond);

    private static string[][] Ids(IEnumerable<RecordedBatch> batches) => batches.Select(b => b.Requests.Select(r => r.Id).ToArray()).ToArray();

    [Fact]
    public async Task Enqueue_MultiRowRequestsBeyondMaxBatchSize_SplitsWithoutExceedingMax()
    {
        var recorder = new BatchRecorder();
        var statistics = new ModelVersionStatistics(8);
        using var scheduler = Scheduler(Config(maxBatchSize: 8, maxQueueDelayMicroseconds: 0), [recorder.Instance("m_0")], statistics, new FakeClock());
        var first = Request("first");
        using var hold = recorder.Hold(first);
        scheduler.Enqueue(first);
        await hold.Started;

        InferenceRequest[] queued = [Request("a", rows: 3), Request("b", rows: 3), Request("c", rows: 3)];
        foreach (var request in queued)
        {
            scheduler.Enqueue(request);
        }

        hold.Release();
        await AllCompleted([first, .. queued]);

        Assert.Empty(recorder.Problems);
        Assert.Equal([["first"], ["a", "b"], ["c"]], Ids(recorder.Batches));
        Assert.All(recorder.Batches, b => Assert.InRange(b.Rows, 1, 8));
        Assert.All(queued, r => Assert.False(r.Error.IsError, r.Error.Message));
        Assert.Equal([(1L, 1L), (3L, 1L), (6L, 1L)], statistics.BatchSizes.Select(b => (b.BatchSize, b.ComputeInfer.Count)));
    }

    [Fact]
    public async Task Enqueue_BatchBecomesFull_RunsAtOnceWithoutWaitingForDelay()
    {
        var recorder = new BatchRecorder();
        var clock = new FakeClock();
        using var scheduler = Scheduler(Config(4, Microseconds(LongDelay)), [recorder.Instance("m_0")], new ModelVersionStatistics(4), clock);
        var requests = Enumerable.Range(0, 4).Select(i => Request($"r{i}")).ToArray();

        foreach (var request in requests)
        {
            scheduler.Enqueue(request);
        }

        // The clock never moves: only a full batch can run.
        await AllCompleted(requests);

        Assert.Equal([["r0", "r1", "r2", "r3"]], Ids(recorder.Batches));
        Assert.Equal(TimeSpan.Zero, clock.Elapsed);
    }

    [Fact]
    public async Task Enqueue_PartialBatchWithQueueDelay_RunsNothingUntilDelayThenOneBatch()
    {
        var recorder = new BatchRecorder();
        var clock = new FakeClock();
        var delay = TimeSpan.FromMilliseconds(10);
        using var scheduler = Scheduler(Config(8, Microseconds(delay)), [recorder.Instance("m_0")], new ModelVersionStatistics(8), clock);
        var requests = new[] { Request("a", rows: 2), Request("b", rows: 1), Request("c", rows: 3) };

        foreach (var request in requests)
        {
            scheduler.Enqueue(request);
        }

        // The instance has looked at the queue and armed the timer for the oldest request's deadline.
        await clock.TimerArmedAsync(delay);
        clock.Advance(delay - TimeSpan.FromMilliseconds(1));
        Assert.Empty(recorder.Batches);
        Assert.All(requests, r => Assert.False(r.IsCompleted()));
        Assert.Equal(3, scheduler.PendingCount);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        await AllCompleted(requests);

        Assert.Equal([["a", "b", "c"]], Ids(recorder.Batches));
        Assert.Equal(0, scheduler.PendingCount);
    }

    [Fact]
    public async Task Enqueue_ZeroQueueDelay_SendsWhatIsQueuedAtOnce()
    {
        var recorder = new BatchRecorder();
        var clock = new FakeClock();
        using var scheduler = Scheduler(Config(8, 0), [recorder.Instance("m_0")], new ModelVersionStatistics(8), clock);
        var request = Request("only", rows: 2);

        scheduler.Enqueue(request);
        await request.WaitAsync().WithTimeout();

        Assert.Equal([["only"]], Ids(recorder.Batches));
        Assert.Equal(TimeSpan.Zero, clock.Elapsed);
    }

    [Fact]
    public async Task Enqueue_PreferredBatchSizes_SendsLargestFormableAtOnceAndHoldsTheRest()
    {
        var recorder = new BatchRecorder();
        var clock = new FakeClock();
        using var scheduler = Scheduler(Config(8, Microseconds(LongDelay), 2, 4), [recorder.Instance("m_0")], new ModelVersionStatistics(8), clock);

        // A full batch runs at once and keeps the instance busy while five one-row requests line up.
        var first = Request("first", rows: 8);
        using var hold = recorder.Hold(first);
        scheduler.Enqueue(first);
        await hold.Started;
        var queued = Enumerable.Range(0, 5).Select(i => Request($"r{i}")).ToArray();
        foreach (var request in queued)
        {
            scheduler.Enqueue(request);
        }

        hold.Release();
        await AllCompleted([first, .. queued[..4]]);

        // 2 and 4 can both be formed: 4 went, without the clock moving; the fifth waits for its delay.
        Assert.Equal([["first"], ["r0", "r1", "r2", "r3"]], Ids(recorder.Batches));
        await clock.TimerArmedAsync(LongDelay);
        Assert.False(queued[4].IsCompleted());
        Assert.Equal(1, scheduler.PendingCount);

        clock.Advance(LongDelay);
        await queued[4].WaitAsync().WithTimeout();

        Assert.Equal([["first"], ["r0", "r1", "r2", "r3"], ["r4"]], Ids(recorder.Batches));
    }

    [Fact]
    public async Task Enqueue_DifferentNonBatchShape_ClosesTheBatch()
    {
        var recorder = new BatchRecorder();
        var clock = new FakeClock();
        using var scheduler = Scheduler(Config(8, Microseconds(LongDelay)), [recorder.Instance("m_0")], new ModelVersionStatistics(8), clock);
        var first = Request("first", rows: 8);
        using var hold = recorder.Hold(first);
        scheduler.Enqueue(first);
        await hold.Started;
        InferenceRequest[] queued = [Request("a", width: 4), Request("b", width: 4), Request("c", width: 5), Request("d", width: 4)];
        foreach (var request in queued)
        {
            scheduler.Enqueue(request);
        }

        hold.Release();

        // [a, b] and [c] are each closed by a request of another shape, so they run without the clock moving;
        // d is alone and waits for its delay.
        await AllCompleted(queued[..3]);
        Assert.Equal([["first"], ["a", "b"], ["c"]], Ids(recorder.Batches));
        await clock.TimerArmedAsync(LongDelay);
        Assert.False(queued[3].IsCompleted());

        clock.Advance(LongDelay);
        await queued[3].WaitAsync().WithTimeout();

        Assert.Equal([["first"], ["a", "b"], ["c"], ["d"]], Ids(recorder.Batches));
        Assert.All(recorder.Batches, b => Assert.Single(b.Requests.Select(r => r.Inputs[0].Shape[1]).Distinct()));
    }

    [Fact]
    public async Task Enqueue_DifferentRequestedOutputs_AreNotCoBatched()
    {
        var recorder = new BatchRecorder();
        using var scheduler = Scheduler(Config(8, 0), [recorder.Instance("m_0")], new ModelVersionStatistics(8), new FakeClock());
        var first = Request("first");
        using var hold = recorder.Hold(first);
        scheduler.Enqueue(first);
        await hold.Started;
        InferenceRequest[] queued =
        [
            Request("a", output: Output0), Request("b", output: Output0), Request("c", output: Output1), Request("d", output: Output1),
            Request("e"),
        ];
        foreach (var request in queued)
        {
            scheduler.Enqueue(request);
        }

        hold.Release();
        await AllCompleted([first, .. queued]);

        Assert.Equal([["first"], ["a", "b"], ["c", "d"], ["e"]], Ids(recorder.Batches));
    }

    [Fact]
    public async Task Enqueue_NextRequestDoesNotFit_SendsBatchAtOnceAndKeepsRemainderWaiting()
    {
        var recorder = new BatchRecorder();
        var clock = new FakeClock();
        using var scheduler = Scheduler(Config(8, Microseconds(LongDelay)), [recorder.Instance("m_0")], new ModelVersionStatistics(8), clock);
        var first = Request("first", rows: 8);
        using var hold = recorder.Hold(first);
        scheduler.Enqueue(first);
        await hold.Started;
        InferenceRequest[] queued = [Request("a", rows: 5), Request("b", rows: 2), Request("c", rows: 4)];
        foreach (var request in queued)
        {
            scheduler.Enqueue(request);
        }

        hold.Release();
        await AllCompleted(queued[..2]);

        Assert.Equal([["first"], ["a", "b"]], Ids(recorder.Batches));
        await clock.TimerArmedAsync(LongDelay);
        Assert.False(queued[2].IsCompleted());

        clock.Advance(LongDelay);
        await queued[2].WaitAsync().WithTimeout();
        Assert.Equal([["first"], ["a", "b"], ["c"]], Ids(recorder.Batches));
    }
}
