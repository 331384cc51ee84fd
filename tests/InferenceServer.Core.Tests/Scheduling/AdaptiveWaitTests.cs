using Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;
using InferenceServer.Core.Tests.Infrastructure;
using static InferenceServer.Core.Tests.Infrastructure.BatchingModel;

namespace InferenceServer.Core.Tests.Scheduling;

/// <summary>
/// The adaptive wait of <see cref="RequestScheduler"/> on a fake clock, with an instance whose executions move the
/// clock by <c>1,000 µs + 100 µs × rows</c> (a fixed cost of 1 ms). Invariants: until an execution has been measured
/// the delay is waited out (Triton's rule); once a cost is known, a request arriving long after the previous one
/// runs at once instead of waiting for rows that are not coming; a burst keeps the wait; with
/// <c>adaptive_batching_wait: "false"</c> the delay is always waited out.
/// </summary>
public sealed class AdaptiveWaitTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(10);

    private static ModelConfig BatchingConfig(bool? adaptive = null)
    {
        var config = Config(maxBatchSize: 8, maxQueueDelayMicroseconds: (ulong)(Delay.Ticks / TimeSpan.TicksPerMicrosecond));
        if (adaptive is { } on)
        {
            config.Parameters[SchedulerPolicy.AdaptiveWaitParameter] = new ModelParameter { StringValue = on ? "true" : "false" };
        }

        return config;
    }

    private static BatchRecorder TimedRecorder(FakeClock clock) =>
        new(batch => clock.Advance(TimeSpan.FromMicroseconds(1_000 + (100 * batch.Sum(r => r.BatchSize)))));

    // A full batch of 8 (runs at once), then one lone request that waits out the delay: two sizes measured.
    private static async Task MeasureTwoBatchSizes(RequestScheduler scheduler, FakeClock clock)
    {
        var full = Enumerable.Range(0, 8).Select(i => Request($"full{i}")).ToArray();
        foreach (var request in full)
        {
            scheduler.Enqueue(request);
        }

        await AllCompleted(full);
        // (Whether the lone request waited is not the point here: the other tests prove waits by the armed timer.)
        var lone = Request("lone");
        var loneAt = clock.Elapsed;
        scheduler.Enqueue(lone);
        await clock.AdvancePastAsync(loneAt + Delay, AllCompleted([lone]));
    }

    [Fact]
    public async Task AfterTwoSizesMeasured_ALateArrival_RunsAtOnce()
    {
        var clock = new FakeClock();
        var recorder = TimedRecorder(clock);
        using var scheduler = Scheduler(BatchingConfig(), [recorder.Instance("m_0")], new ModelVersionStatistics(8), clock);
        await MeasureTwoBatchSizes(scheduler, clock);

        // Arrivals ~10 ms apart against a 1 ms fixed cost: waiting for a second row would idle the instance ten times
        // longer than a batch of two saves. The test does not move the clock: only the execution does.
        var late = Request("late");
        var before = clock.Elapsed;
        scheduler.Enqueue(late);
        await AllCompleted([late]);

        Assert.Equal(TimeSpan.FromMicroseconds(1_100), clock.Elapsed - before);
        Assert.Equal([8L, 1L, 1L], recorder.Batches.Select(b => b.Rows));
    }

    [Fact]
    public async Task TurnedOff_ALateArrival_WaitsOutTheDelay()
    {
        var clock = new FakeClock();
        var recorder = TimedRecorder(clock);
        using var scheduler = Scheduler(BatchingConfig(adaptive: false), [recorder.Instance("m_0")], new ModelVersionStatistics(8), clock);
        await MeasureTwoBatchSizes(scheduler, clock);

        var late = Request("late");
        var deadline = clock.Elapsed + Delay;
        scheduler.Enqueue(late);
        await clock.TimerArmedAsync(deadline);
        Assert.False(late.IsCompleted());

        clock.Advance(Delay);
        await AllCompleted([late]);
        Assert.Equal(3, recorder.Batches.Length);
    }

    [Fact]
    public async Task BeforeAnyExecution_WaitsOutTheDelay_ThenOneSizeIsEnough()
    {
        var clock = new FakeClock();
        var recorder = TimedRecorder(clock);
        using var scheduler = Scheduler(BatchingConfig(), [recorder.Instance("m_0")], new ModelVersionStatistics(8), clock);

        // Nothing measured: the first request waits out the delay, as in Triton.
        var first = Request("first");
        scheduler.Enqueue(first);
        await clock.TimerArmedAsync(Delay);
        Assert.False(first.IsCompleted());
        clock.Advance(Delay);
        await AllCompleted([first]);

        // Its run (1.1 ms) stands in for the fixed cost; the next request arrives 11.1 ms after the first.
        var second = Request("second");
        var before = clock.Elapsed;
        scheduler.Enqueue(second);
        await AllCompleted([second]);

        Assert.Equal(TimeSpan.FromMicroseconds(1_100), clock.Elapsed - before);
        Assert.Equal([1L, 1L], recorder.Batches.Select(b => b.Rows));
    }

    [Fact]
    public async Task ABurst_KeepsWaitingForAFullerBatch()
    {
        var clock = new FakeClock();
        var recorder = TimedRecorder(clock);
        using var scheduler = Scheduler(BatchingConfig(), [recorder.Instance("m_0")], new ModelVersionStatistics(8), clock);
        await MeasureTwoBatchSizes(scheduler, clock);

        // b0 follows a quiet spell and runs at once (at 12.9 ms; its run ends at 14.0 ms). While it runs, 23 requests
        // arrive at one instant: the average gap per row falls to ~81 µs, so waiting pays until 13 rows are queued.
        var burst = Enumerable.Range(0, 24).Select(i => Request($"b{i}")).ToArray();
        using (var hold = recorder.Hold(burst[0]))
        {
            scheduler.Enqueue(burst[0]);
            await hold.Started;
            foreach (var request in burst[1..])
            {
                scheduler.Enqueue(request);
            }

            hold.Release();
        }

        // Two full batches run (to 17.6 ms); the last 7 rows wait for the oldest one's deadline, 14.0 + 10 ms, which
        // the timer rounds up to whole milliseconds from 17.6 ms: 24.6 ms.
        await AllCompleted(burst[..17]);
        await clock.TimerArmedAsync(TimeSpan.FromMicroseconds(24_600));
        Assert.All(burst[17..], r => Assert.False(r.IsCompleted()));

        clock.Advance(TimeSpan.FromMicroseconds(24_600) - clock.Elapsed);
        await AllCompleted(burst[17..]);
        Assert.Equal([8L, 1L, 1L, 8L, 8L, 7L], recorder.Batches.Select(b => b.Rows));
    }

    [Fact]
    public void Parameter_NotABoolean_IsALoadErrorNamingIt()
    {
        var config = BatchingConfig();
        config.Parameters[SchedulerPolicy.AdaptiveWaitParameter] = new ModelParameter { StringValue = "sometimes" };

        var error = Assert.Throws<ModelLoadException>(() => SchedulerPolicy.FromConfig(config));
        Assert.Contains(SchedulerPolicy.AdaptiveWaitParameter, error.Message);
        Assert.Contains("sometimes", error.Message);
    }

    [Fact]
    public void Parameter_DefaultsOn_AndReadsFalse()
    {
        Assert.True(SchedulerPolicy.FromConfig(BatchingConfig()).AdaptiveWait);
        Assert.False(SchedulerPolicy.FromConfig(BatchingConfig(adaptive: false)).AdaptiveWait);
    }
}
