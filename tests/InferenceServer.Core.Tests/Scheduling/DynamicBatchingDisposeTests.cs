using System.Diagnostics;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;
using InferenceServer.Core.Tests.Infrastructure;
using static InferenceServer.Core.Tests.Infrastructure.BatchingModel;

namespace InferenceServer.Core.Tests.Scheduling;

/// <summary>
/// <see cref="RequestScheduler.Dispose"/> with dynamic batching. Invariants checked here:
/// <list type="number">
/// <item>Requests queued before Dispose still run, also those queued behind an instance that is busy when Dispose
/// starts; Dispose returns only after they have.</item>
/// <item>Draining does not wait for <c>max_queue_delay</c>: a partial batch runs at once, without the clock moving.</item>
/// <item>A request enqueued once Dispose has started is failed with UNAVAILABLE ("unloading") and never executed.</item>
/// <item>Every request completes exactly once.</item>
/// </list>
/// </summary>
public class DynamicBatchingDisposeTests
{
    private static readonly ulong LongDelayMicroseconds = 10_000_000;

    private static Task StartDispose(RequestScheduler scheduler) =>
        Task.Factory.StartNew(scheduler.Dispose, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    [Fact]
    public async Task Dispose_RequestsQueuedBehindBusyInstance_RunAfterDisposeStartsAndLaterOnesAreRejected()
    {
        var recorder = new BatchRecorder();
        var clock = new FakeClock();
        var statistics = new ModelVersionStatistics(8);
        var scheduler = Scheduler(Config(maxBatchSize: 8, LongDelayMicroseconds), [recorder.Instance("m_0")], statistics, clock);
        var first = Request("first", rows: 8);
        using var hold = recorder.Hold(first);
        scheduler.Enqueue(first);
        await hold.Started;
        InferenceRequest[] queued = [Request("a"), Request("b", rows: 2)];
        foreach (var request in queued)
        {
            scheduler.Enqueue(request);
        }

        var disposing = StartDispose(scheduler);

        // Dispose has started once the scheduler turns a request away; until then probes queue up like any other
        // request. While the instance is held, nothing else can complete a request synchronously.
        var accepted = new List<InferenceRequest>();
        var waited = Stopwatch.StartNew();
        InferenceRequest rejected;
        while (true)
        {
            var probe = Request($"probe{accepted.Count}");
            scheduler.Enqueue(probe);
            if (probe.IsCompleted())
            {
                rejected = probe;
                break;
            }

            accepted.Add(probe);
            Assert.True(waited.Elapsed < TestTimeouts.Default, "Dispose never started turning requests away");
            Thread.Sleep(1);
        }

        Assert.Equal(InferenceErrorCode.Unavailable, rejected.Error.Code);
        Assert.Contains("unloading", rejected.Error.Message, StringComparison.Ordinal);
        Assert.False(disposing.IsCompleted);
        Assert.All(queued, r => Assert.False(r.IsCompleted()));

        hold.Release();
        await disposing.WithTimeout();

        // Dispose has returned: everything queued before it ran, in one flushed batch per fit, without the clock moving.
        Assert.All(queued.Concat(accepted), r => Assert.True(r.IsCompleted(), $"'{r.Id}' was not completed when Dispose returned"));
        await AllCompleted([first, .. queued, .. accepted]);
        Assert.All(queued.Concat(accepted), r => Assert.False(r.Error.IsError, r.Error.Message));
        Assert.Equal(TimeSpan.Zero, clock.Elapsed);
        Assert.Empty(recorder.Problems);
        var executed = recorder.Batches.SelectMany(b => b.Requests).ToHashSet(ReferenceEqualityComparer.Instance);
        Assert.DoesNotContain(rejected, executed);
        Assert.Equal(2 + queued.Length + accepted.Count, statistics.Success.Count + statistics.Fail.Count);

        var afterwards = Request("afterwards");
        scheduler.Enqueue(afterwards);
        Assert.True(afterwards.IsCompleted());
        Assert.Equal(InferenceErrorCode.Unavailable, afterwards.Error.Code);
        Assert.Equal(0, scheduler.PendingCount);
    }

    [Fact]
    public async Task Dispose_PartialBatchWaitingForDelay_RunsItAtOnce()
    {
        var recorder = new BatchRecorder();
        var clock = new FakeClock();
        var scheduler = Scheduler(Config(maxBatchSize: 8, LongDelayMicroseconds), [recorder.Instance("m_0")], new ModelVersionStatistics(8), clock);
        InferenceRequest[] queued = [Request("a"), Request("b")];
        foreach (var request in queued)
        {
            scheduler.Enqueue(request);
        }

        await clock.TimerArmedAsync(TimeSpan.FromTicks((long)LongDelayMicroseconds * TimeSpan.TicksPerMicrosecond));
        Assert.Empty(recorder.Batches);

        await StartDispose(scheduler).WithTimeout();

        Assert.All(queued, r => Assert.True(r.IsCompleted()));
        Assert.All(queued, r => Assert.False(r.Error.IsError, r.Error.Message));
        Assert.Equal([new[] { "a", "b" }], recorder.Batches.Select(b => b.Requests.Select(r => r.Id).ToArray()));
        Assert.Equal(TimeSpan.Zero, clock.Elapsed);
    }
}
