using System.Collections.Concurrent;
using System.Diagnostics;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;

namespace InferenceServer.Core.Scheduling;

/// <summary>
/// Triton's default scheduler: requests run one by one, in arrival order, on whichever instance is
/// free. Each instance owns a dedicated thread, so model execution never blocks the thread pool.
/// Invariants: every enqueued request is completed exactly once (success or failure), also when
/// the scheduler is disposed with requests still queued (they run before the threads exit).
/// </summary>
public sealed class InstanceScheduler : IScheduler
{
    private readonly ConcurrentQueue<InferenceRequest> _queue = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly Thread[] _threads;
    private readonly ModelVersionStatistics _statistics;
    private volatile bool _stopping;
    private volatile bool _stopped;

    public InstanceScheduler(string modelName, IReadOnlyList<IModelInstance> instances, ModelVersionStatistics statistics)
    {
        _statistics = statistics;
        _threads = new Thread[instances.Count];
        for (var i = 0; i < instances.Count; i++)
        {
            var instance = instances[i];
            _threads[i] = new Thread(() => Run(instance))
            {
                IsBackground = true,
                Name = $"{modelName}:{instance.Name}",
            };
            _threads[i].Start();
        }
    }

    public int PendingCount => _queue.Count;

    public void Enqueue(InferenceRequest request)
    {
        request.QueuedTimestamp = Stopwatch.GetTimestamp();
        _queue.Enqueue(request);
        _available.Release();

        // Raced with Dispose after its threads exited: answer what no thread will take.
        if (_stopped)
        {
            FailQueued();
        }
    }

    private void Run(IModelInstance instance)
    {
        while (true)
        {
            _available.Wait();
            if (!_queue.TryDequeue(out var request))
            {
                if (_stopping)
                {
                    return;
                }

                continue;
            }

            Execute(instance, request);
        }
    }

    private void Execute(IModelInstance instance, InferenceRequest request)
    {
        var start = Stopwatch.GetTimestamp();
        _statistics.Queue.Add(1, ModelVersionStatistics.ElapsedNanoseconds(request.QueuedTimestamp, start));
        try
        {
            instance.Execute(request);
        }
        catch (Exception ex)
        {
            request.Fail(InferenceError.Internal($"model '{request.Version?.Name}' failed: {ex.Message}"));
        }

        var end = Stopwatch.GetTimestamp();
        var total = ModelVersionStatistics.ElapsedNanoseconds(request.ReceivedTimestamp == 0 ? request.QueuedTimestamp : request.ReceivedTimestamp, end);
        if (request.Error.IsError)
        {
            _statistics.Fail.Add(1, total);
            return;
        }

        _statistics.Success.Add(1, total);
        request.Complete();
    }

    /// <summary>Finishes the queued requests, then stops the instance threads.</summary>
    public void Dispose()
    {
        _stopping = true;
        if (_threads.Length > 0)
        {
            _available.Release(_threads.Length);
        }

        foreach (var thread in _threads)
        {
            thread.Join();
        }

        // A request that raced with shutdown still gets an answer: either this drain sees it or its
        // Enqueue sees _stopped (the barrier orders this write before the drain's reads). The semaphore
        // is left undisposed so such an Enqueue can still release it.
        _stopped = true;
        Interlocked.MemoryBarrier();
        FailQueued();
    }

    private void FailQueued()
    {
        while (_queue.TryDequeue(out var late))
        {
            late.Fail(InferenceError.Unavailable($"model '{late.Version?.Name}' is unloading"));
        }
    }
}
