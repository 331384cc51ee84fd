using System.Collections.Concurrent;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;
using InferenceServer.Core.Tests.Infrastructure;
using static InferenceServer.Core.Tests.Infrastructure.BatchingModel;

namespace InferenceServer.Core.Tests.Scheduling;

/// <summary>
/// <c>preserve_ordering</c> in <see cref="RequestScheduler"/>. Invariants checked here:
/// <list type="number">
/// <item>With several instances, a request whose batch finished is not completed while an earlier-queued request is
/// still executing; it completes right after that one does.</item>
/// <item>Completion follows arrival order: when any request's completion is observed, every request queued before it
/// has completed already.</item>
/// <item>Every request still completes exactly once.</item>
/// <item>Without <c>preserve_ordering</c> the same scenario completes a later request first (so the checks above can fail).</item>
/// </list>
/// Completion is read from the request's completion source, which the scheduler sets synchronously, never from how
/// soon a continuation happened to run.
/// </summary>
public class PreserveOrderingTests
{
    private static global::Inference.ModelConfig Ordering(bool preserve, int maxBatchSize = 1)
    {
        var config = Config(maxBatchSize, maxQueueDelayMicroseconds: 0);
        config.DynamicBatching.PreserveOrdering = preserve;
        return config;
    }

    /// <summary>Awaits <paramref name="request"/>, then records any request queued before it that has not completed.</summary>
    private static async Task Watch(InferenceRequest request, int index, IReadOnlyList<InferenceRequest> order, ConcurrentQueue<string> violations)
    {
        await request.WaitAsync();
        for (var earlier = 0; earlier < index; earlier++)
        {
            if (!order[earlier].IsCompleted())
            {
                violations.Enqueue($"'{request.Id}' completed before '{order[earlier].Id}'");
            }
        }
    }

    [Fact]
    public async Task Enqueue_LaterBatchFinishesFirst_CompletionWaitsForEarlierRequest()
    {
        var recorder = new BatchRecorder();
        using var scheduler = Scheduler(Ordering(preserve: true), [recorder.Instance("m_0"), recorder.Instance("m_1")], new ModelVersionStatistics(1), new FakeClock());
        var first = Request("first");
        using var hold = recorder.Hold(first);
        scheduler.Enqueue(first);
        await hold.Started;
        var later = Enumerable.Range(0, 5).Select(i => Request($"r{i}")).ToArray();
        var violations = new ConcurrentQueue<string>();
        InferenceRequest[] order = [first, .. later];
        var watched = Task.WhenAll(order.Select((r, i) => Watch(r, i, order, violations)));
        foreach (var request in later)
        {
            scheduler.Enqueue(request);
        }

        // The other instance runs every later request while the first is held. Once r4's execution has started,
        // r0..r3 have been through the scheduler's completion step: none may have completed.
        await recorder.BatchesStartedAsync(1 + later.Length);
        Assert.All(recorder.Batches.Skip(1), b => Assert.NotEqual(recorder.Batches[0].Instance, b.Instance));
        Assert.All(later, r => Assert.False(r.IsCompleted(), $"'{r.Id}' completed while 'first' was still executing"));

        hold.Release();
        await watched.WithTimeout();

        Assert.Empty(violations);
        Assert.All(later, r => Assert.False(r.Error.IsError, r.Error.Message));
        Assert.Empty(recorder.Problems);
    }

    [Fact]
    public async Task Enqueue_WithoutPreserveOrdering_LaterRequestCompletesWhileEarlierExecutes()
    {
        var recorder = new BatchRecorder();
        using var scheduler = Scheduler(Ordering(preserve: false), [recorder.Instance("m_0"), recorder.Instance("m_1")], new ModelVersionStatistics(1), new FakeClock());
        var first = Request("first");
        using var hold = recorder.Hold(first);
        scheduler.Enqueue(first);
        await hold.Started;
        var later = Request("later");

        scheduler.Enqueue(later);
        await later.WaitAsync().WithTimeout();

        Assert.False(first.IsCompleted());
        hold.Release();
        await first.WaitAsync().WithTimeout();
    }

    [Fact]
    public async Task Enqueue_ManyProducersOnTwoInstances_EachProducersRequestsCompleteInArrivalOrder()
    {
        // Within one producer, requests are queued in program order, so they must complete in that order.
        const int Producers = 4;
        const int PerProducer = 250;
        using var random = new ThreadLocal<Random>(() => new Random(Environment.CurrentManagedThreadId));
        var recorder = new BatchRecorder(batch => Thread.SpinWait(random.Value!.Next(0, 2_000)));
        using var scheduler = Scheduler(Ordering(preserve: true, maxBatchSize: 4), [recorder.Instance("m_0"), recorder.Instance("m_1")],
            new ModelVersionStatistics(4), TimeProvider.System);
        var violations = new ConcurrentQueue<string>();
        using var start = new Barrier(Producers);

        async Task Produce(int producer)
        {
            var requests = Enumerable.Range(0, PerProducer).Select(i => Request($"p{producer}-{i}", rows: 1 + (i % 3))).ToArray();
            start.SignalAndWait();
            var watched = Task.WhenAll(requests.Select((r, i) => Watch(r, i, requests, violations)));
            foreach (var request in requests)
            {
                scheduler.Enqueue(request);
            }

            await watched.WithTimeout();
        }

        var producers = Enumerable.Range(0, Producers)
            .Select(p => Task.Factory.StartNew(() => Produce(p), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap())
            .ToArray();
        await Task.WhenAll(producers).WithTimeout();

        Assert.Empty(violations);
        Assert.Empty(recorder.Problems);
        Assert.Equal(Producers * PerProducer, recorder.Batches.Sum(b => b.Requests.Length));
    }
}
