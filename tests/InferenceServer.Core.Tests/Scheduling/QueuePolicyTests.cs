using Inference;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;
using InferenceServer.Core.Tests.Infrastructure;
using static InferenceServer.Core.Tests.Infrastructure.BatchingModel;

namespace InferenceServer.Core.Tests.Scheduling;

/// <summary>
/// Queue policies of <see cref="RequestScheduler"/> (<c>default_queue_policy</c>, <c>priority_queue_policy</c>), with
/// time on a fake clock. Invariants checked here:
/// <list type="number">
/// <item>A level never holds more than its <c>max_queue_size</c> requests: one more is failed at once with UNAVAILABLE
/// ("full"), is never executed, and leaves the queue as it was; the bound is per level.</item>
/// <item>REJECT: a request still queued when its timeout passes is failed with UNAVAILABLE ("timed out") at that moment,
/// not later when an instance frees up, and not a tick earlier; it is never executed.</item>
/// <item>DELAY: such a request is not failed; it moves behind the requests of its own level that have not timed out,
/// still ahead of lower levels, and runs.</item>
/// <item><c>allow_timeout_override</c>: a request's own timeout lowers the default but never raises it; without the
/// override the request's timeout is ignored.</item>
/// <item>Rejections and timeouts count as failures in the statistics, never as successes.</item>
/// </list>
/// Every scenario lines requests up behind one instance held inside a first request.
/// </summary>
public class QueuePolicyTests
{
    private static readonly TimeSpan OneMillisecond = TimeSpan.FromMilliseconds(1);

    private sealed class Harness : IDisposable
    {
        private readonly RequestHold _hold;

        private Harness(ModelConfig config)
        {
            Statistics = new ModelVersionStatistics(config.MaxBatchSize);
            Scheduler = BatchingModel.Scheduler(config, [Recorder.Instance("m_0")], Statistics, Clock);
            First = Request("first");
            _hold = Recorder.Hold(First);
        }

        public BatchRecorder Recorder { get; } = new();

        public FakeClock Clock { get; } = new();

        public ModelVersionStatistics Statistics { get; }

        public RequestScheduler Scheduler { get; }

        public InferenceRequest First { get; }

        public bool InstanceHeld => !_hold.IsReleased;

        /// <summary>A scheduler whose only instance is busy with <see cref="First"/> until <see cref="Release"/>.</summary>
        public static async Task<Harness> StartAsync(ModelConfig config)
        {
            var harness = new Harness(config);
            harness.Scheduler.Enqueue(harness.First);
            await harness._hold.Started;
            return harness;
        }

        public void Release() => _hold.Release();

        public IEnumerable<string> Executed => Recorder.Batches.SelectMany(b => b.Requests).Select(r => r.Id);

        public void Dispose()
        {
            _hold.Dispose();
            Scheduler.Dispose();
        }
    }

    private static ModelConfig WithPolicy(ModelQueuePolicy policy, ulong levels = 0)
    {
        var config = Config(maxBatchSize: 1, maxQueueDelayMicroseconds: 0);
        config.DynamicBatching.DefaultQueuePolicy = policy;
        if (levels > 0)
        {
            config.DynamicBatching.PriorityLevels = levels;
            config.DynamicBatching.DefaultPriorityLevel = 1;
        }

        return config;
    }

    private static void AssertTimedOut(InferenceRequest request)
    {
        Assert.True(request.IsCompleted(), $"'{request.Id}' should have completed");
        Assert.Equal(InferenceErrorCode.Unavailable, request.Error.Code);
        Assert.Contains("timed out", request.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enqueue_QueueAtMaxQueueSize_RejectsAtOnceAsUnavailableAndQueueDoesNotGrow()
    {
        using var harness = await Harness.StartAsync(WithPolicy(new ModelQueuePolicy { MaxQueueSize = 2 }));
        InferenceRequest[] accepted = [Request("a"), Request("b")];
        foreach (var request in accepted)
        {
            harness.Scheduler.Enqueue(request);
        }

        InferenceRequest[] rejected = [Request("c"), Request("d")];
        foreach (var request in rejected)
        {
            harness.Scheduler.Enqueue(request);

            // Failed before Enqueue returned, while the instance is still busy.
            Assert.True(request.IsCompleted());
            Assert.Equal(InferenceErrorCode.Unavailable, request.Error.Code);
            Assert.Contains("full", request.Error.Message, StringComparison.Ordinal);
            Assert.Equal(2, harness.Scheduler.PendingCount);
        }

        Assert.All(accepted, r => Assert.False(r.IsCompleted()));
        harness.Release();
        await AllCompleted([harness.First, .. accepted]);

        Assert.All(accepted, r => Assert.False(r.Error.IsError, r.Error.Message));
        Assert.Equal(["first", "a", "b"], harness.Executed);
        Assert.Equal(3, harness.Statistics.Success.Count);
        Assert.Equal(2, harness.Statistics.Fail.Count);

        // Room again once the queue drained.
        var later = Request("later");
        harness.Scheduler.Enqueue(later);
        await later.WaitAsync().WithTimeout();
        Assert.False(later.Error.IsError, later.Error.Message);
    }

    [Fact]
    public async Task Enqueue_LevelAtItsMaxQueueSize_RejectsOnlyThatLevelNamingIt()
    {
        var config = WithPolicy(new ModelQueuePolicy(), levels: 2);
        config.DynamicBatching.PriorityQueuePolicy.Add(2, new ModelQueuePolicy { MaxQueueSize = 1 });
        using var harness = await Harness.StartAsync(config);
        var low = Request("low", priority: 2);
        var lowRejected = Request("low-rejected", priority: 2);
        var high = Enumerable.Range(0, 3).Select(i => Request($"high{i}", priority: 1)).ToArray();

        harness.Scheduler.Enqueue(low);
        harness.Scheduler.Enqueue(lowRejected);
        foreach (var request in high)
        {
            harness.Scheduler.Enqueue(request);
        }

        Assert.Equal(InferenceErrorCode.Unavailable, lowRejected.Error.Code);
        Assert.Contains("priority level 2 is full", lowRejected.Error.Message, StringComparison.Ordinal);
        Assert.Equal(4, harness.Scheduler.PendingCount);

        harness.Release();
        await AllCompleted([harness.First, low, .. high]);
        Assert.Equal(["first", "high0", "high1", "high2", "low"], harness.Executed);
    }

    [Fact]
    public async Task Enqueue_RejectTimeoutPasses_FailsRequestAsUnavailableWhileInstanceStillBusy()
    {
        var timeout = TimeSpan.FromMilliseconds(10);
        using var harness = await Harness.StartAsync(WithPolicy(new ModelQueuePolicy
        {
            TimeoutAction = ModelQueuePolicy.Types.TimeoutAction.Reject,
            DefaultTimeoutMicroseconds = 10_000,
        }));
        var waiting = Request("waiting");
        harness.Scheduler.Enqueue(waiting);

        harness.Clock.Advance(timeout - OneMillisecond);
        Assert.False(waiting.IsCompleted());
        Assert.Equal(1, harness.Scheduler.PendingCount);

        // The timer fires inside Advance, so the request is failed by the time it returns.
        harness.Clock.Advance(OneMillisecond);
        AssertTimedOut(waiting);
        Assert.True(harness.InstanceHeld);
        Assert.Equal(0, harness.Scheduler.PendingCount);
        Assert.Equal(1, harness.Statistics.Fail.Count);

        harness.Release();
        await harness.First.WaitAsync().WithTimeout();
        Assert.Equal(["first"], harness.Executed);
        Assert.Equal(1, harness.Statistics.Success.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Enqueue_DelayTimeoutPasses_RunsExpiredRequestAfterItsLevelButBeforeLowerLevels(bool expire)
    {
        // No default timeout; "late" asks for 5 ms through the override. Level 1 is served before level 2.
        using var harness = await Harness.StartAsync(WithPolicy(
            new ModelQueuePolicy { TimeoutAction = ModelQueuePolicy.Types.TimeoutAction.Delay, AllowTimeoutOverride = true },
            levels: 2));
        InferenceRequest[] queued =
        [
            Request("late", priority: 1, timeoutMicroseconds: 5_000), Request("on-time", priority: 1), Request("low", priority: 2),
        ];
        foreach (var request in queued)
        {
            harness.Scheduler.Enqueue(request);
        }

        if (expire)
        {
            harness.Clock.Advance(TimeSpan.FromMilliseconds(5));
            Assert.False(queued[0].IsCompleted());
            Assert.Equal(3, harness.Scheduler.PendingCount);
        }

        harness.Release();
        await AllCompleted([harness.First, .. queued]);

        Assert.All(queued, r => Assert.False(r.Error.IsError, r.Error.Message));
        Assert.Equal(expire ? ["first", "on-time", "late", "low"] : ["first", "late", "on-time", "low"], harness.Executed);
        Assert.Equal(0, harness.Statistics.Fail.Count);
    }

    [Fact]
    public async Task Enqueue_TimeoutOverrideAllowed_LowersButNeverRaisesDefault()
    {
        using var harness = await Harness.StartAsync(WithPolicy(new ModelQueuePolicy
        {
            DefaultTimeoutMicroseconds = 20_000,
            AllowTimeoutOverride = true,
        }));
        var shorter = Request("shorter", timeoutMicroseconds: 5_000);
        var longer = Request("longer", timeoutMicroseconds: 50_000);
        var none = Request("none");
        foreach (var request in new[] { shorter, longer, none })
        {
            harness.Scheduler.Enqueue(request);
        }

        harness.Clock.Advance(TimeSpan.FromMilliseconds(4));
        Assert.False(shorter.IsCompleted());

        harness.Clock.Advance(OneMillisecond); // 5 ms
        AssertTimedOut(shorter);
        Assert.False(longer.IsCompleted());
        Assert.False(none.IsCompleted());

        harness.Clock.Advance(TimeSpan.FromMilliseconds(14)); // 19 ms
        Assert.False(longer.IsCompleted());
        Assert.False(none.IsCompleted());

        harness.Clock.Advance(OneMillisecond); // 20 ms: the default caps the 50 ms the request asked for
        AssertTimedOut(longer);
        AssertTimedOut(none);
        Assert.True(harness.InstanceHeld);
        Assert.Equal(3, harness.Statistics.Fail.Count);

        harness.Release();
        await harness.First.WaitAsync().WithTimeout();
        Assert.Equal(["first"], harness.Executed);
    }

    [Fact]
    public async Task Enqueue_TimeoutOverrideNotAllowed_IgnoresRequestTimeout()
    {
        using var harness = await Harness.StartAsync(WithPolicy(new ModelQueuePolicy { DefaultTimeoutMicroseconds = 20_000 }));
        var shorter = Request("shorter", timeoutMicroseconds: 5_000);
        harness.Scheduler.Enqueue(shorter);

        harness.Clock.Advance(TimeSpan.FromMilliseconds(19));
        Assert.False(shorter.IsCompleted());

        harness.Clock.Advance(OneMillisecond);
        AssertTimedOut(shorter);
        harness.Release();
    }

    [Fact]
    public async Task Enqueue_NoDefaultTimeoutAndOverrideNotAllowed_RequestTimeoutNeverFires()
    {
        using var harness = await Harness.StartAsync(WithPolicy(new ModelQueuePolicy()));
        var patient = Request("patient", timeoutMicroseconds: 5_000);
        harness.Scheduler.Enqueue(patient);

        harness.Clock.Advance(TimeSpan.FromHours(1));
        Assert.False(patient.IsCompleted());
        Assert.Equal(1, harness.Scheduler.PendingCount);

        harness.Release();
        await patient.WaitAsync().WithTimeout();
        Assert.False(patient.Error.IsError, patient.Error.Message);
        Assert.Equal(["first", "patient"], harness.Executed);
    }

    [Fact]
    public async Task Enqueue_TimeoutShorterThanQueueDelay_IsAnsweredAtTheTimeoutNotAfterTheDelay()
    {
        // An idle instance waiting for a fuller batch wakes for the queued request's timeout, not only at max_queue_delay.
        var recorder = new BatchRecorder();
        var clock = new FakeClock();
        var config = Config(maxBatchSize: 8, maxQueueDelayMicroseconds: 1_000_000);
        config.DynamicBatching.DefaultQueuePolicy = new ModelQueuePolicy { DefaultTimeoutMicroseconds = 5_000 };
        using var scheduler = BatchingModel.Scheduler(config, [recorder.Instance("m_0")], new ModelVersionStatistics(8), clock);
        var request = Request("r");

        scheduler.Enqueue(request);
        clock.Advance(TimeSpan.FromMilliseconds(4));
        Assert.False(request.IsCompleted());

        clock.Advance(OneMillisecond);
        await request.WaitAsync().WithTimeout();
        Assert.Equal(TimeSpan.FromMilliseconds(5), clock.Elapsed);
    }

    [Fact]
    public async Task Enqueue_BatchFillsJustBeforeTimeout_RunsTheRequestInsteadOfRejectingIt()
    {
        // The instance scans for timeouts whenever it wakes, not only when the timer fires: that scan must not
        // expire a request before its deadline either.
        var recorder = new BatchRecorder();
        var clock = new FakeClock();
        var config = Config(maxBatchSize: 8, maxQueueDelayMicroseconds: 1_000_000);
        config.DynamicBatching.DefaultQueuePolicy = new ModelQueuePolicy { DefaultTimeoutMicroseconds = 10_000 };
        using var scheduler = BatchingModel.Scheduler(config, [recorder.Instance("m_0")], new ModelVersionStatistics(8), clock);
        var waiting = Request("waiting");
        scheduler.Enqueue(waiting);

        clock.Advance(TimeSpan.FromMilliseconds(9));
        var filler = Request("filler", rows: 7);
        scheduler.Enqueue(filler);
        await AllCompleted([waiting, filler]);

        Assert.False(waiting.Error.IsError, waiting.Error.Message);
        Assert.Equal([["waiting", "filler"]], recorder.Batches.Select(b => b.Requests.Select(r => r.Id).ToArray()));
    }

    [Theory]
    [InlineData(10_000_000_000_000UL, 0UL)] // a default of about 116 days
    [InlineData(0UL, 10_000_000_000_000UL)] // no default, and a request asking for about 116 days
    public async Task Enqueue_TimeoutBeyondTimerRange_IsQueuedAndRuns(ulong defaultTimeout, ulong requested)
    {
        using var harness = await Harness.StartAsync(WithPolicy(new ModelQueuePolicy
        {
            DefaultTimeoutMicroseconds = defaultTimeout,
            AllowTimeoutOverride = true,
        }));
        var request = Request("patient", timeoutMicroseconds: requested);

        harness.Scheduler.Enqueue(request);
        Assert.False(request.IsCompleted());

        harness.Release();
        await request.WaitAsync().WithTimeout();
        Assert.False(request.Error.IsError, request.Error.Message);
    }

    [Fact]
    public async Task Enqueue_RejectTimeoutOfHours_FailsAtItsDeadlineNotBeforeOrAfter()
    {
        // Far deadlines are reached through several timer wake-ups; none may fail the request early, the last must not be late.
        using var harness = await Harness.StartAsync(WithPolicy(new ModelQueuePolicy { DefaultTimeoutMicroseconds = 3UL * 3_600_000_000 }));
        var waiting = Request("waiting");
        harness.Scheduler.Enqueue(waiting);

        for (var minutes = 0; minutes < 179; minutes += 30)
        {
            harness.Clock.Advance(TimeSpan.FromMinutes(Math.Min(30, 179 - minutes)));
            Assert.False(waiting.IsCompleted(), $"failed early, at {harness.Clock.Elapsed}");
        }

        harness.Clock.Advance(TimeSpan.FromMinutes(1) - OneMillisecond);
        Assert.False(waiting.IsCompleted());
        harness.Clock.Advance(OneMillisecond);
        AssertTimedOut(waiting);
        harness.Release();
    }

    [Fact]
    public async Task Enqueue_TimeoutOfHoursOnSystemClock_IsQueuedAndRuns()
    {
        // On the system clock (Stopwatch ticks, nanoseconds on Linux) a few hours is already past what a timer takes in one go.
        var recorder = new BatchRecorder();
        var config = WithPolicy(new ModelQueuePolicy { AllowTimeoutOverride = true });
        using var scheduler = BatchingModel.Scheduler(config, [recorder.Instance("m_0")], new ModelVersionStatistics(1), TimeProvider.System);
        var first = Request("first");
        using var hold = recorder.Hold(first);
        scheduler.Enqueue(first);
        await hold.Started;
        var request = Request("patient", timeoutMicroseconds: 3UL * 3_600_000_000);

        scheduler.Enqueue(request);
        Assert.False(request.IsCompleted());

        hold.Release();
        await request.WaitAsync().WithTimeout();
        Assert.False(request.Error.IsError, request.Error.Message);
    }
}
