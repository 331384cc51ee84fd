using System.Collections.Concurrent;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;
using InferenceServer.Core.Tests.Infrastructure;

namespace InferenceServer.Core.Tests.Scheduling;

/// <summary>
/// Invariants of <see cref="RequestScheduler"/> without dynamic batching (Triton's default scheduler) checked here:
/// <list type="number">
/// <item>Every enqueued request is completed exactly once: executed once by one instance, and its
/// <see cref="InferenceRequest.WaitAsync"/> finishes once (a second completion would throw on the scheduler thread).</item>
/// <item>That holds across <see cref="RequestScheduler.Dispose"/>: requests queued before it still run; requests that
/// reach a disposed scheduler are failed with UNAVAILABLE, never dropped.</item>
/// <item>Instances run on dedicated, named background threads, never on the thread pool, one thread per instance.</item>
/// <item>An instance that throws fails that request with INTERNAL and keeps serving.</item>
/// <item>Statistics count one success or one failure per request.</item>
/// </list>
/// </summary>
public class DefaultSchedulingTests
{
    private static RequestScheduler NewScheduler(string model, IReadOnlyList<IModelInstance> instances, ModelVersionStatistics statistics) =>
        new(model, instances, SchedulerPolicy.FromConfig(new global::Inference.ModelConfig { Name = model }), statistics, TimeProvider.System);

    private sealed class ExecutionLog
    {
        public ConcurrentDictionary<InferenceRequest, int> Executions { get; } = new(ReferenceEqualityComparer.Instance);

        public ConcurrentDictionary<string, ConcurrentBag<int>> ThreadsByInstance { get; } = new();

        public ConcurrentQueue<string> Problems { get; } = new();

        public Action<InferenceRequest> For(string instance) => request =>
        {
            var thread = Thread.CurrentThread;
            if (thread.IsThreadPoolThread || !thread.IsBackground)
            {
                Problems.Enqueue($"{instance} ran on a thread-pool or foreground thread");
            }

            ThreadsByInstance.GetOrAdd(instance, _ => []).Add(Environment.CurrentManagedThreadId);
            Executions.AddOrUpdate(request, 1, (_, n) => n + 1);
        };
    }

    private static InferenceRequest[] NewRequests(int count) => Enumerable.Range(0, count).Select(_ => new InferenceRequest()).ToArray();

    [Fact]
    public async Task Enqueue_ManyRequestsOnTwoInstances_EachCompletesOnceOnDedicatedThreads()
    {
        var log = new ExecutionLog();
        var statistics = new ModelVersionStatistics();
        var instances = new[] { new TestModelInstance("m_0", log.For("m_0")), new TestModelInstance("m_1", log.For("m_1")) };
        var requests = NewRequests(500);

        using (var scheduler = NewScheduler("m", instances, statistics))
        {
            foreach (var request in requests)
            {
                scheduler.Enqueue(request);
            }

            await Task.WhenAll(requests.Select(r => r.WaitAsync().AsTask())).WithTimeout();
        }

        Assert.Empty(log.Problems);
        Assert.Equal(requests.Length, log.Executions.Count);
        Assert.All(log.Executions.Values, n => Assert.Equal(1, n));
        Assert.All(requests, r => Assert.False(r.Error.IsError));
        Assert.Equal(requests.Length, statistics.Success.Count);
        Assert.Equal(0, statistics.Fail.Count);
        Assert.Equal(requests.Length, statistics.Queue.Count);

        // Each instance keeps its own thread, and no two instances share one.
        var threadSets = log.ThreadsByInstance.Values.Select(b => b.Distinct().ToArray()).ToArray();
        Assert.All(threadSets, ids => Assert.Single(ids));
        Assert.Equal(threadSets.Length, threadSets.Select(ids => ids[0]).Distinct().Count());
    }

    [Fact]
    public async Task Enqueue_InstanceThread_IsNamedAfterModelAndInstance()
    {
        string? name = null;
        var done = new InferenceRequest();
        var instance = new TestModelInstance("simple_0_0", _ => name = Thread.CurrentThread.Name);
        using var scheduler = NewScheduler("simple", [instance], new ModelVersionStatistics());

        scheduler.Enqueue(done);
        await done.WaitAsync().WithTimeout();

        Assert.Equal("simple:simple_0_0", name);
    }

    [Fact]
    public async Task Enqueue_FromManyProducers_EveryRequestCompletesExactlyOnce()
    {
        // N producers × many requests into 3 instances; every request is awaited with a timeout.
        const int Producers = 8;
        const int PerProducer = 250;
        var log = new ExecutionLog();
        var statistics = new ModelVersionStatistics();
        var instances = Enumerable.Range(0, 3).Select(i => new TestModelInstance($"m_{i}", log.For($"m_{i}"))).ToArray();
        using var scheduler = NewScheduler("m", instances, statistics);
        using var start = new Barrier(Producers);
        long completed = 0;

        async Task Produce()
        {
            start.SignalAndWait();
            for (var i = 0; i < PerProducer; i++)
            {
                var request = new InferenceRequest();
                scheduler.Enqueue(request);
                await request.WaitAsync().WithTimeout();
                Interlocked.Increment(ref completed);
            }
        }

        var producers = Enumerable.Range(0, Producers)
            .Select(_ => Task.Factory.StartNew(Produce, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap())
            .ToArray();
        await Task.WhenAll(producers).WithTimeout();

        Assert.Empty(log.Problems);
        Assert.Equal(Producers * PerProducer, Interlocked.Read(ref completed));
        Assert.Equal(Producers * PerProducer, log.Executions.Count);
        Assert.All(log.Executions.Values, n => Assert.Equal(1, n));
        Assert.Equal(Producers * PerProducer, statistics.Success.Count);
        Assert.Equal(0, scheduler.PendingCount);
    }

    [Fact]
    public async Task Dispose_WithRequestsQueuedBehindBusyInstance_RunsThemAllBeforeReturning()
    {
        using var gate = new ManualResetEventSlim(false);
        using var started = new ManualResetEventSlim(false);
        var log = new ExecutionLog();
        var record = log.For("m_0");
        var instance = new TestModelInstance("m_0", request =>
        {
            started.Set();
            Assert.True(gate.Wait(TestTimeouts.Default));
            record(request);
        });
        var statistics = new ModelVersionStatistics();
        var scheduler = NewScheduler("m", [instance], statistics);
        var requests = NewRequests(20);
        foreach (var request in requests)
        {
            scheduler.Enqueue(request);
        }

        Assert.True(started.Wait(TestTimeouts.Default));
        Assert.Equal(requests.Length - 1, scheduler.PendingCount);

        // Dispose blocks until the queue is drained; let the instance go only once it is under way.
        var disposing = Task.Factory.StartNew(scheduler.Dispose, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        gate.Set();
        await disposing.WithTimeout();
        await Task.WhenAll(requests.Select(r => r.WaitAsync().AsTask())).WithTimeout();

        Assert.Empty(log.Problems);
        Assert.All(requests, r => Assert.False(r.Error.IsError, r.Error.Message));
        Assert.All(requests, r => Assert.Equal(1, log.Executions[r]));
        Assert.Equal(requests.Length, statistics.Success.Count);
        Assert.Equal(0, scheduler.PendingCount);
    }

    [Fact]
    public async Task Dispose_WithoutInstances_FailsQueuedRequestsAsUnavailable()
    {
        var statistics = new ModelVersionStatistics();
        var scheduler = NewScheduler("m", [], statistics);
        var requests = NewRequests(3);
        foreach (var request in requests)
        {
            scheduler.Enqueue(request);
        }

        Assert.Equal(3, scheduler.PendingCount);

        scheduler.Dispose();
        await Task.WhenAll(requests.Select(r => r.WaitAsync().AsTask())).WithTimeout();

        Assert.All(requests, r => Assert.Equal(InferenceErrorCode.Unavailable, r.Error.Code));
        Assert.All(requests, r => Assert.Contains("unloading", r.Error.Message, StringComparison.Ordinal));
        Assert.Equal(0, scheduler.PendingCount);
    }

    [Fact]
    public async Task Enqueue_AfterDispose_FailsRequestAsUnavailable()
    {
        var log = new ExecutionLog();
        var scheduler = NewScheduler("m", [new TestModelInstance("m_0", log.For("m_0"))], new ModelVersionStatistics());
        scheduler.Dispose();
        var request = new InferenceRequest();

        scheduler.Enqueue(request);
        await request.WaitAsync().WithTimeout();

        Assert.Equal(InferenceErrorCode.Unavailable, request.Error.Code);
        Assert.Empty(log.Executions);
    }

    [Fact]
    public async Task EnqueueAndDispose_Racing_EveryRequestCompletesExactlyOnce()
    {
        // Invariant: a request enqueued while the scheduler is being disposed either runs or fails as
        // UNAVAILABLE; none is lost and none completes twice. Many short rounds vary the interleaving.
        const int Rounds = 100;
        const int Producers = 4;
        const int PerProducer = 25;
        for (var round = 0; round < Rounds; round++)
        {
            var log = new ExecutionLog();
            var statistics = new ModelVersionStatistics();
            var scheduler = NewScheduler("m", [new TestModelInstance("m_0", log.For("m_0")), new TestModelInstance("m_1", log.For("m_1"))], statistics);
            var requests = new ConcurrentBag<InferenceRequest>();
            using var start = new Barrier(Producers + 1);

            void Produce()
            {
                start.SignalAndWait();
                for (var i = 0; i < PerProducer; i++)
                {
                    var request = new InferenceRequest();
                    requests.Add(request);
                    scheduler.Enqueue(request);
                }
            }

            var producers = Enumerable.Range(0, Producers)
                .Select(_ => Task.Factory.StartNew(Produce, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
                .ToArray();
            start.SignalAndWait();
            scheduler.Dispose();
            await Task.WhenAll(producers).WithTimeout();
            await Task.WhenAll(requests.Select(r => r.WaitAsync().AsTask())).WithTimeout();

            Assert.Empty(log.Problems);
            Assert.Equal(Producers * PerProducer, requests.Count);
            Assert.All(log.Executions.Values, n => Assert.Equal(1, n));
            var unavailable = requests.Count(r => r.Error.Code == InferenceErrorCode.Unavailable);
            Assert.Equal(requests.Count, log.Executions.Count + unavailable);
            Assert.Equal(log.Executions.Count, statistics.Success.Count);
        }
    }

    [Fact]
    public async Task Execute_InstanceThrows_FailsRequestAsInternalAndKeepsServing()
    {
        var calls = 0;
        var instance = new TestModelInstance("m_0", _ =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                throw new InvalidOperationException("boom");
            }
        });
        var statistics = new ModelVersionStatistics();
        using var scheduler = NewScheduler("m", [instance], statistics);
        var failing = new InferenceRequest();
        var next = new InferenceRequest();

        scheduler.Enqueue(failing);
        scheduler.Enqueue(next);
        await failing.WaitAsync().WithTimeout();
        await next.WaitAsync().WithTimeout();

        Assert.Equal(InferenceErrorCode.Internal, failing.Error.Code);
        Assert.Contains("boom", failing.Error.Message, StringComparison.Ordinal);
        Assert.False(next.Error.IsError);
        Assert.Equal(1, statistics.Fail.Count);
        Assert.Equal(1, statistics.Success.Count);
    }

    [Fact]
    public async Task Execute_InstanceFailsRequest_CompletesOnceWithThatError()
    {
        var instance = new TestModelInstance("m_0", r => r.SetError(InferenceError.InvalidArgument("model says no")));
        var statistics = new ModelVersionStatistics();
        using var scheduler = NewScheduler("m", [instance], statistics);
        var request = new InferenceRequest();

        scheduler.Enqueue(request);
        await request.WaitAsync().WithTimeout();

        Assert.Equal(InferenceError.InvalidArgument("model says no"), request.Error);
        Assert.Equal(1, statistics.Fail.Count);
        Assert.Equal(0, statistics.Success.Count);
    }
}
