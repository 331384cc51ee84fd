using System.Collections.Concurrent;
using InferenceServer.Core.Inference;

namespace InferenceServer.Core.Tests.Infrastructure;

/// <summary>One execution a scheduler handed to an instance: the requests in batch order, and where it ran.</summary>
internal sealed record RecordedBatch(int Index, string Instance, int ThreadId, InferenceRequest[] Requests)
{
    public long Rows => Requests.Sum(r => r.BatchSize);
}

/// <summary>
/// The model instances of a scheduling test: records every batch in the order executions start, notes any
/// request handed out twice, and blocks an instance inside the batch of a request the test holds
/// (<see cref="Hold"/>). <paramref name="execute"/> runs on the instance thread for each batch (to set errors, say).
/// </summary>
internal sealed class BatchRecorder(Action<InferenceRequest[]>? execute = null)
{
    private readonly Lock _lock = new();
    private readonly List<RecordedBatch> _batches = [];
    private readonly HashSet<InferenceRequest> _seen = new(ReferenceEqualityComparer.Instance);
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private readonly ConcurrentDictionary<InferenceRequest, RequestHold> _holds = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentQueue<string> _problems = new();

    /// <summary>Batches in the order their executions started.</summary>
    public RecordedBatch[] Batches
    {
        get
        {
            lock (_lock)
            {
                return [.. _batches];
            }
        }
    }

    /// <summary>Requests handed out more than once, or executed on a thread-pool thread.</summary>
    public IReadOnlyCollection<string> Problems => _problems;

    public TestModelInstance Instance(string name) => TestModelInstance.ForBatches(name, batch => Execute(name, batch));

    /// <summary>Blocks whichever instance executes <paramref name="request"/> until the hold is released.</summary>
    public RequestHold Hold(InferenceRequest request) => _holds.GetOrAdd(request, _ => new RequestHold());

    /// <summary>Completes once <paramref name="count"/> batches have started executing.</summary>
    public Task BatchesStartedAsync(int count)
    {
        lock (_lock)
        {
            if (_batches.Count >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task.WithTimeout();
        }
    }

    private void Execute(string instance, InferenceRequest[] batch)
    {
        if (Thread.CurrentThread.IsThreadPoolThread)
        {
            _problems.Enqueue($"{instance} executed on a thread-pool thread");
        }

        List<TaskCompletionSource>? reached = null;
        lock (_lock)
        {
            foreach (var request in batch)
            {
                if (!_seen.Add(request))
                {
                    _problems.Enqueue($"request '{request.Id}' was handed to an instance twice");
                }
            }

            _batches.Add(new RecordedBatch(_batches.Count, instance, Environment.CurrentManagedThreadId, batch));
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_batches.Count >= _waiters[i].Count)
                {
                    (reached ??= []).Add(_waiters[i].Reached);
                    _waiters.RemoveAt(i);
                }
            }
        }

        reached?.ForEach(r => r.TrySetResult());
        execute?.Invoke(batch);
        foreach (var request in batch)
        {
            if (_holds.TryGetValue(request, out var hold))
            {
                hold.Block();
            }
        }
    }
}
