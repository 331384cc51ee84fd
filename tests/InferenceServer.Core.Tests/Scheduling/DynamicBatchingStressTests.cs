using System.Collections.Concurrent;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;
using InferenceServer.Core.Tests.Infrastructure;
using static InferenceServer.Core.Tests.Infrastructure.BatchingModel;

namespace InferenceServer.Core.Tests.Scheduling;

/// <summary>
/// <see cref="RequestScheduler"/> with dynamic batching under many concurrent producers and two instances, on the
/// system clock (a real, short <c>max_queue_delay</c>). Invariants checked here:
/// <list type="number">
/// <item>Every request completes exactly once, successfully (a second completion would throw on an instance thread).</item>
/// <item>No request is handed to an instance twice, or to two instances; every request is executed.</item>
/// <item>No batch is empty or holds more rows than <c>max_batch_size</c>.</item>
/// <item>Instances run on their own threads, never on the thread pool.</item>
/// <item>Statistics agree with what ran: <c>execution_count</c> equals the batches, <c>inference_count</c> the rows,
/// <c>batch_stats</c> the batches of each size, and nothing is left pending.</item>
/// </list>
/// </summary>
public class DynamicBatchingStressTests
{
    [Fact]
    public async Task Enqueue_ManyProducersRandomRows_EveryRequestInExactlyOneBatchWithinMax()
    {
        const int Producers = 8;
        const int PerProducer = 500;
        const int MaxBatch = 16;
        var recorder = new BatchRecorder();
        var statistics = new ModelVersionStatistics(MaxBatch);
        using var scheduler = Scheduler(Config(MaxBatch, maxQueueDelayMicroseconds: 100), [recorder.Instance("m_0"), recorder.Instance("m_1")],
            statistics, TimeProvider.System);
        var all = new ConcurrentBag<InferenceRequest>();
        long completed = 0;
        using var start = new Barrier(Producers);

        async Task Produce(int producer)
        {
            var random = new Random(producer);
            start.SignalAndWait();
            for (var window = 0; window < PerProducer; window += 50)
            {
                var requests = Enumerable.Range(window, 50).Select(i => Request($"p{producer}-{i}", rows: random.Next(1, 5))).ToArray();
                foreach (var request in requests)
                {
                    all.Add(request);
                    scheduler.Enqueue(request);
                }

                foreach (var request in requests)
                {
                    await request.WaitAsync().WithTimeout();
                    Interlocked.Increment(ref completed);
                }
            }
        }

        var producers = Enumerable.Range(0, Producers)
            .Select(p => Task.Factory.StartNew(() => Produce(p), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap())
            .ToArray();
        await Task.WhenAll(producers).WithTimeout();

        var batches = recorder.Batches;
        Assert.Empty(recorder.Problems);
        Assert.Equal(Producers * PerProducer, Interlocked.Read(ref completed));
        Assert.All(all, r => Assert.False(r.Error.IsError, r.Error.Message));
        Assert.All(batches, b => Assert.InRange(b.Rows, 1, MaxBatch));
        var executed = batches.SelectMany(b => b.Requests).ToArray();
        Assert.Equal(Producers * PerProducer, executed.Length);
        Assert.Equal(executed.Length, executed.ToHashSet(ReferenceEqualityComparer.Instance).Count);
        Assert.True(all.ToHashSet(ReferenceEqualityComparer.Instance).SetEquals(executed));

        Assert.Equal(0, scheduler.PendingCount);
        Assert.Equal(Producers * PerProducer, statistics.Success.Count);
        Assert.Equal(batches.Length, statistics.ExecutionCount);
        Assert.Equal(all.Sum(r => r.BatchSize), statistics.InferenceCount);
        Assert.Equal(
            batches.GroupBy(b => b.Rows).OrderBy(g => g.Key).Select(g => (g.Key, (long)g.Count())),
            statistics.BatchSizes.Select(b => (b.BatchSize, b.ComputeInfer.Count)));

        // Batching happened at all (two instances against eight producers), and each instance kept one thread.
        Assert.Contains(batches, b => b.Requests.Length > 1);
        Assert.All(batches.GroupBy(b => b.Instance), g => Assert.Single(g.Select(b => b.ThreadId).Distinct()));
    }
}
