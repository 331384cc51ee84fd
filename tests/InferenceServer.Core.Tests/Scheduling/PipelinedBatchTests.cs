using Inference;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;
using InferenceServer.Core.Tests.Infrastructure;
using static InferenceServer.Core.Tests.Infrastructure.BatchingModel;

namespace InferenceServer.Core.Tests.Scheduling;

/// <summary>
/// Pipelined batches of <see cref="RequestScheduler"/> on a fake clock, with max_batch_size 64 and an instance whose
/// executions move the clock by <c>fixed + 100 µs × rows</c>: with a fixed cost of 100 µs (a quarter of four rows'
/// work) the pipelined size is the floor, 64 / 8 = 8 rows; with 600 µs it is 4 × 600 / 100 = 24 rows. Invariants:
/// once costs are measured, a queue of at most a full batch runs in batches of the pipelined size, the rest staying queued for the next run; more than a full batch
/// queued (the server is behind) runs full batches; before any cost is known, with
/// <c>adaptive_batching_wait: "false"</c>, and where the config names preferred sizes, Triton's rules decide.
/// </summary>
public sealed class PipelinedBatchTests
{
    private const int MaxBatch = 64;
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(10);

    private static ModelConfig BatchingConfig(bool? adaptive = null, params int[] preferred)
    {
        var config = Config(maxBatchSize: MaxBatch, maxQueueDelayMicroseconds: 10_000, preferred);
        if (adaptive is { } on)
        {
            config.Parameters[SchedulerPolicy.AdaptiveWaitParameter] = new ModelParameter { StringValue = on ? "true" : "false" };
        }

        return config;
    }

    private static BatchRecorder TimedRecorder(FakeClock clock, int fixedMicroseconds = 100) =>
        new(batch => clock.Advance(TimeSpan.FromMicroseconds(fixedMicroseconds + (100 * batch.Sum(r => r.BatchSize)))));

    // A full batch of 64 (runs at once), then 32 at once that wait out the delay: bands of 64 and 32 rows measured,
    // whose line is the instance's own fixed cost + 100 µs × rows.
    private static async Task MeasureBatchSizes(RequestScheduler scheduler, FakeClock clock)
    {
        var full = Enumerable.Range(0, MaxBatch).Select(i => Request($"full{i}")).ToArray();
        foreach (var request in full)
        {
            scheduler.Enqueue(request);
        }

        await AllCompleted(full);
        var half = Enumerable.Range(0, MaxBatch / 2).Select(i => Request($"half{i}")).ToArray();
        var enqueuedAt = clock.Elapsed;
        foreach (var request in half)
        {
            scheduler.Enqueue(request);
        }

        await AdvancePastDeadlineAsync(clock, enqueuedAt, AllCompleted(half));
    }

    private static Task AdvancePastDeadlineAsync(FakeClock clock, TimeSpan enqueuedAt, Task until) =>
        clock.AdvancePastAsync(enqueuedAt + Delay, until);

    // Enqueues the first request and, while its execution is held, the others; then releases it. Returns when
    // the others were enqueued (the clock stands still while the run is held). Where the first request may wait
    // for company before it runs (waitsForDelay), the clock is moved past its delay.
    private static async Task<TimeSpan> QueueBehindAHeldRun(RequestScheduler scheduler, BatchRecorder recorder, InferenceRequest[] requests, FakeClock clock, bool waitsForDelay = false)
    {
        using var hold = recorder.Hold(requests[0]);
        var firstAt = clock.Elapsed;
        scheduler.Enqueue(requests[0]);
        if (waitsForDelay)
        {
            await AdvancePastDeadlineAsync(clock, firstAt, hold.Started);
        }

        await hold.Started;
        var enqueuedAt = clock.Elapsed;
        foreach (var request in requests[1..])
        {
            scheduler.Enqueue(request);
        }

        hold.Release();
        return enqueuedAt;
    }

    [Fact]
    public async Task CostsKnown_AQueueOfAtMostAFullBatch_RunsInPipelinedBatches()
    {
        var clock = new FakeClock();
        var recorder = TimedRecorder(clock);
        using var scheduler = Scheduler(BatchingConfig(), [recorder.Instance("m_0")], new ModelVersionStatistics(MaxBatch), clock);
        await MeasureBatchSizes(scheduler, clock);
        var measured = recorder.Batches.Length;

        // 1 held + 40 queued behind it: the 40 go in batches of 8 (the floor), each answered before the next runs.
        var requests = Enumerable.Range(0, 41).Select(i => Request($"r{i}")).ToArray();
        await QueueBehindAHeldRun(scheduler, recorder, requests, clock);
        await AllCompleted(requests);

        Assert.Equal([1L, 8L, 8L, 8L, 8L, 8L], recorder.Batches[measured..].Select(b => b.Rows));
        Assert.Equal(requests, recorder.Batches[measured..].SelectMany(b => b.Requests));
    }

    [Fact]
    public async Task CostsKnown_ALargerFixedCost_MakesThePipelinedBatchesBigger()
    {
        var clock = new FakeClock();
        var recorder = TimedRecorder(clock, fixedMicroseconds: 600);
        using var scheduler = Scheduler(BatchingConfig(), [recorder.Instance("m_0")], new ModelVersionStatistics(MaxBatch), clock);
        await MeasureBatchSizes(scheduler, clock);
        var measured = recorder.Batches.Length;

        // The fixed cost is a quarter of 24 rows' work: the 40 go in a batch of 24 and, fewer than a pipelined
        // batch and arrived all at once, the 16 left wait for more until the delay passes.
        var requests = Enumerable.Range(0, 41).Select(i => Request($"r{i}")).ToArray();
        var enqueuedAt = await QueueBehindAHeldRun(scheduler, recorder, requests, clock);
        await AllCompleted(requests[..25]);
        await AdvancePastDeadlineAsync(clock, enqueuedAt, AllCompleted(requests[25..]));

        Assert.Equal([1L, 24L, 16L], recorder.Batches[measured..].Select(b => b.Rows));
    }

    [Fact]
    public async Task CostsKnown_MoreThanAFullBatchQueued_RunsFullBatches()
    {
        var clock = new FakeClock();
        var recorder = TimedRecorder(clock);
        using var scheduler = Scheduler(BatchingConfig(), [recorder.Instance("m_0")], new ModelVersionStatistics(MaxBatch), clock);
        await MeasureBatchSizes(scheduler, clock);
        var measured = recorder.Batches.Length;

        // 1 held + 72 queued: behind by more than a full batch, so the first run takes 64; the 8 left are at the floor.
        var requests = Enumerable.Range(0, 73).Select(i => Request($"r{i}")).ToArray();
        await QueueBehindAHeldRun(scheduler, recorder, requests, clock);
        await AllCompleted(requests);

        Assert.Equal([1L, 64L, 8L], recorder.Batches[measured..].Select(b => b.Rows));
    }

    [Fact]
    public async Task TurnedOff_AQueueOfAtMostAFullBatch_RunsTogether()
    {
        var clock = new FakeClock();
        var recorder = TimedRecorder(clock);
        using var scheduler = Scheduler(BatchingConfig(adaptive: false), [recorder.Instance("m_0")], new ModelVersionStatistics(MaxBatch), clock);
        await MeasureBatchSizes(scheduler, clock);
        var measured = recorder.Batches.Length;

        // With the wait turned off even the first request waits out the delay; the 40 queue behind its held run
        // and wait out theirs, which passes (the clock is moved) only once all of them are queued.
        var requests = Enumerable.Range(0, 41).Select(i => Request($"r{i}")).ToArray();
        TimeSpan enqueuedAt;
        using (var hold = recorder.Hold(requests[0]))
        {
            var firstAt = clock.Elapsed;
            scheduler.Enqueue(requests[0]);
            await AdvancePastDeadlineAsync(clock, firstAt, hold.Started);
            enqueuedAt = clock.Elapsed;
            foreach (var request in requests[1..])
            {
                scheduler.Enqueue(request);
            }

            hold.Release();
        }

        await AdvancePastDeadlineAsync(clock, enqueuedAt, AllCompleted(requests));

        Assert.Equal([1L, 40L], recorder.Batches[measured..].Select(b => b.Rows));
    }

    [Fact]
    public async Task PreferredSizesConfigured_TheyDecide()
    {
        var clock = new FakeClock();
        var recorder = TimedRecorder(clock);
        using var scheduler = Scheduler(BatchingConfig(adaptive: null, 24), [recorder.Instance("m_0")], new ModelVersionStatistics(MaxBatch), clock);

        // Costs measured on batches of 24 and what is left of 64 and 32 requests (the delay flushes the rest).
        foreach (var count in new[] { MaxBatch, MaxBatch / 2 })
        {
            var burst = Enumerable.Range(0, count).Select(i => Request($"m{count}_{i}")).ToArray();
            var burstAt = clock.Elapsed;
            foreach (var request in burst)
            {
                scheduler.Enqueue(request);
            }

            await AdvancePastDeadlineAsync(clock, burstAt, AllCompleted(burst));
        }

        var measured = recorder.Batches.Length;

        // 1 held + 40 queued: the largest preferred size that can be formed (24) runs, not pipelined batches of 8.
        var requests = Enumerable.Range(0, 41).Select(i => Request($"r{i}")).ToArray();
        var enqueuedAt = await QueueBehindAHeldRun(scheduler, recorder, requests, clock, waitsForDelay: true);
        await recorder.BatchesStartedAsync(measured + 2);

        Assert.Equal([1L, 24L], recorder.Batches[measured..(measured + 2)].Select(b => b.Rows));
        await AdvancePastDeadlineAsync(clock, enqueuedAt, AllCompleted(requests));
    }
}
