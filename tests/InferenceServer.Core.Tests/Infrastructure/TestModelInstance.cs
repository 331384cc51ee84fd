using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;

namespace InferenceServer.Core.Tests.Infrastructure;

/// <summary>A model instance whose execution is whatever the test hands it (the scheduler's collaborator, not a subject).</summary>
internal sealed class TestModelInstance : IModelInstance
{
    private readonly Action<InferenceRequest[]>? _executeBatch;
    private int _disposed;

    /// <summary>Runs <paramref name="execute"/> on each request of every batch.</summary>
    public TestModelInstance(string name, Action<InferenceRequest>? execute = null)
    {
        Name = name;
        _executeBatch = execute is null ? null : batch => Array.ForEach(batch, execute);
    }

    private TestModelInstance(string name, Action<InferenceRequest[]> executeBatch)
    {
        Name = name;
        _executeBatch = executeBatch;
    }

    /// <summary>An instance that runs <paramref name="executeBatch"/> once per batch (a copy of the batch the test may keep).</summary>
    public static TestModelInstance ForBatches(string name, Action<InferenceRequest[]> executeBatch) => new(name, executeBatch);

    public string Name { get; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public ExecutionTimings Execute(ReadOnlySpan<InferenceRequest> batch)
    {
        _executeBatch?.Invoke(batch.ToArray());
        return new ExecutionTimings(1, 2, 3);
    }

    public void Dispose() => Interlocked.Exchange(ref _disposed, 1);
}
