using Inference;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;
using InferenceServer.Core.Tests.Infrastructure;
using static InferenceServer.Core.Tests.Infrastructure.BatchingModel;

namespace InferenceServer.Core.Tests.Scheduling;

/// <summary>
/// Deadlines that hold, on a fake clock where every measured execution takes <see cref="RunTime"/>. Invariants:
/// <list type="number">
/// <item>Once executions have been measured, a request whose queue timeout is shorter than its expected wait is refused
/// before <c>Enqueue</c> returns: UNAVAILABLE naming the model, the timeout and the expected wait, a retry hint of whole
/// seconds (at least 1), counted once as a failure; it never runs and the queue is left as it was.</item>
/// <item>A request whose expected wait fits its timeout is queued; nothing is refused before an execution was measured,
/// nor under a DELAY policy, nor behind requests of a lower priority.</item>
/// <item>A queued request is answered at its deadline while the only instance is still inside a batch, not when the batch ends.</item>
/// </list>
/// </summary>
public sealed class DeadlineTests
{
    private static readonly TimeSpan RunTime = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan OneMillisecond = TimeSpan.FromMilliseconds(1);

    private sealed class Harness : IDisposable
    {
        private readonly RequestHold _hold;

        public Harness(ModelQueuePolicy policy, ulong levels = 0)
        {
            var config = Config(maxBatchSize: 1, maxQueueDelayMicroseconds: 0);
            config.DynamicBatching.DefaultQueuePolicy = policy;
            if (levels > 0)
            {
                config.DynamicBatching.PriorityLevels = levels;
                config.DynamicBatching.DefaultPriorityLevel = levels;
            }

            // A measured request takes RunTime on the fake clock; the others take no time.
            Recorder = new BatchRecorder(batch =>
            {
                if (batch.Any(r => r.Id.StartsWith("measured", StringComparison.Ordinal)))
                {
                    Clock.Advance(RunTime);
                }
            });
            Statistics = new ModelVersionStatistics(config.MaxBatchSize);
            Scheduler = BatchingModel.Scheduler(config, [Recorder.Instance("m_0")], Statistics, Clock);
            Held = Request("held");
            _hold = Recorder.Hold(Held);
        }

        public BatchRecorder Recorder { get; }

        public FakeClock Clock { get; } = new();

        public ModelVersionStatistics Statistics { get; }

        public RequestScheduler Scheduler { get; }

        public InferenceRequest Held { get; }

        public bool InstanceHeld => !_hold.IsReleased;

        /// <summary>Runs one measured request (when asked), then holds the only instance inside <see cref="Held"/>.</summary>
        public async Task HoldInstanceAsync(bool measureFirst)
        {
            if (measureFirst)
            {
                var measured = Request("measured");
                Scheduler.Enqueue(measured);
                await measured.WaitAsync().WithTimeout();
            }

            // The instance records a batch's cost before it takes the next one: once Held runs, the cost is known.
            Scheduler.Enqueue(Held);
            await _hold.Started;
        }

        public void Release() => _hold.Release();

        public void Dispose()
        {
            _hold.Dispose();
            Scheduler.Dispose();
        }
    }

    private static ModelQueuePolicy Reject(ulong timeoutMicroseconds) => new()
    {
        TimeoutAction = ModelQueuePolicy.Types.TimeoutAction.Reject,
        DefaultTimeoutMicroseconds = timeoutMicroseconds,
        AllowTimeoutOverride = true,
    };

    private static void AssertTimedOut(InferenceRequest request)
    {
        Assert.True(request.IsCompleted(), $"'{request.Id}' should have completed");
        Assert.Equal(InferenceErrorCode.Unavailable, request.Error.Code);
        Assert.Contains("timed out", request.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enqueue_ExpectedWaitBeyondTimeout_RefusedAtOnceWithRetryHint()
    {
        using var harness = new Harness(Reject(50_000));
        await harness.HoldInstanceAsync(measureFirst: true);

        // Expected waits: 0, 20, 40 ms (one execution of 20 ms per request ahead); the fourth would wait 60 ms.
        InferenceRequest[] queued = [Request("a"), Request("b"), Request("c")];
        foreach (var request in queued)
        {
            harness.Scheduler.Enqueue(request);
            Assert.False(request.IsCompleted(), $"'{request.Id}' can meet its deadline and should be queued");
        }

        var late = Request("late");
        harness.Scheduler.Enqueue(late);

        Assert.True(late.IsCompleted());
        Assert.Equal(InferenceErrorCode.Unavailable, late.Error.Code);
        Assert.Contains("model 'm'", late.Error.Message, StringComparison.Ordinal);
        Assert.Contains("queue timeout of 50000 µs cannot be met", late.Error.Message, StringComparison.Ordinal);
        Assert.Contains("3 requests queued ahead of it is 60000 µs", late.Error.Message, StringComparison.Ordinal);
        Assert.Equal(1, late.Error.RetryAfterSeconds);
        Assert.Equal(3, harness.Scheduler.PendingCount);
        Assert.Equal(1, harness.Statistics.Fail.Count);

        // A request asking for less time than the default is held to its own timeout.
        var impatient = Request("impatient", timeoutMicroseconds: 30_000);
        harness.Scheduler.Enqueue(impatient);
        Assert.Contains("queue timeout of 30000 µs cannot be met", impatient.Error.Message, StringComparison.Ordinal);
        Assert.Equal(2, harness.Statistics.Fail.Count);

        harness.Release();
        await AllCompleted([harness.Held, .. queued]);
        Assert.All(queued, r => Assert.False(r.Error.IsError, r.Error.Message));
        Assert.DoesNotContain(harness.Recorder.Batches.SelectMany(b => b.Requests), r => r == late || r == impatient);
    }

    [Fact]
    public async Task Enqueue_NothingMeasuredYet_QueuesAll_AndEachIsAnsweredAtItsDeadlineWhileTheInstanceIsBusy()
    {
        using var harness = new Harness(Reject(50_000));
        await harness.HoldInstanceAsync(measureFirst: false);
        var queued = Enumerable.Range(0, 5).Select(i => Request($"r{i}")).ToArray();
        foreach (var request in queued)
        {
            harness.Scheduler.Enqueue(request);
        }

        Assert.All(queued, r => Assert.False(r.IsCompleted()));
        Assert.Equal(5, harness.Scheduler.PendingCount);

        harness.Clock.Advance(TimeSpan.FromMilliseconds(50) - OneMillisecond);
        Assert.All(queued, r => Assert.False(r.IsCompleted()));

        // The timer fires inside Advance: every request is answered before it returns, the instance still in its batch.
        harness.Clock.Advance(OneMillisecond);
        Assert.All(queued, AssertTimedOut);
        Assert.True(harness.InstanceHeld);
        Assert.Equal(0, harness.Scheduler.PendingCount);

        harness.Release();
        await harness.Held.WaitAsync().WithTimeout();
        Assert.Equal(["held"], harness.Recorder.Batches.SelectMany(b => b.Requests).Select(r => r.Id));
    }

    [Fact]
    public async Task Enqueue_MeasuredAndQueued_TimesOutAtItsDeadlineWhileTheInstanceIsInsideABatch()
    {
        using var harness = new Harness(Reject(50_000));
        await harness.HoldInstanceAsync(measureFirst: true);
        var start = harness.Clock.Elapsed;
        var first = Request("first");
        var second = Request("second", timeoutMicroseconds: 25_000);
        harness.Scheduler.Enqueue(first);
        harness.Scheduler.Enqueue(second);

        harness.Clock.Advance(TimeSpan.FromMilliseconds(25) - OneMillisecond);
        Assert.False(second.IsCompleted());
        harness.Clock.Advance(OneMillisecond);
        AssertTimedOut(second);
        Assert.False(first.IsCompleted());

        harness.Clock.Advance(start + TimeSpan.FromMilliseconds(50) - harness.Clock.Elapsed);
        AssertTimedOut(first);
        Assert.True(harness.InstanceHeld);
        harness.Release();
    }

    [Fact]
    public async Task Enqueue_DelayPolicy_NeverRefusedAtEnqueue()
    {
        using var harness = new Harness(new ModelQueuePolicy
        {
            TimeoutAction = ModelQueuePolicy.Types.TimeoutAction.Delay,
            DefaultTimeoutMicroseconds = 1_000,
        });
        await harness.HoldInstanceAsync(measureFirst: true);
        var queued = Enumerable.Range(0, 4).Select(i => Request($"r{i}")).ToArray();
        foreach (var request in queued)
        {
            harness.Scheduler.Enqueue(request);
        }

        Assert.Equal(4, harness.Scheduler.PendingCount);
        harness.Release();
        await AllCompleted(queued);
        Assert.All(queued, r => Assert.False(r.Error.IsError, r.Error.Message));
    }

    [Fact]
    public async Task Enqueue_BehindLowerPriorityOnly_NotRefused()
    {
        // Level 2 is the default; level 1 is served first, so the level-2 requests are not ahead of a level-1 request.
        using var harness = new Harness(Reject(30_000), levels: 2);
        await harness.HoldInstanceAsync(measureFirst: true);
        harness.Scheduler.Enqueue(Request("low0"));
        harness.Scheduler.Enqueue(Request("low1"));
        var lowLate = Request("low-late");
        harness.Scheduler.Enqueue(lowLate);
        Assert.Contains("cannot be met", lowLate.Error.Message, StringComparison.Ordinal);

        var high = Request("high", priority: 1);
        harness.Scheduler.Enqueue(high);
        Assert.False(high.IsCompleted());

        harness.Release();
        await high.WaitAsync().WithTimeout();
        Assert.False(high.Error.IsError, high.Error.Message);
    }
}
