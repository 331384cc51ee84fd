using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;

namespace InferenceServer.Core.Tests.Infrastructure;

/// <summary>A model instance whose execution is whatever the test hands it (the scheduler's collaborator, not a subject).</summary>
internal sealed class TestModelInstance : IModelInstance
{
    private readonly Action<InferenceRequest>? _execute;
    private int _disposed;

    public TestModelInstance(string name, Action<InferenceRequest>? execute = null)
    {
        Name = name;
        _execute = execute;
    }

    public string Name { get; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public void Execute(InferenceRequest request) => _execute?.Invoke(request);

    public void Dispose() => Interlocked.Exchange(ref _disposed, 1);
}
