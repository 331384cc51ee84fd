using Inference;
using InferenceServer.Core.Models;

namespace InferenceServer.Core.Tests.Infrastructure;

/// <summary>A loaded model as a backend would hand it over, without any framework behind it.</summary>
internal sealed class TestModelRuntime : IModelRuntime
{
    private int _disposed;

    public TestModelRuntime(ModelConfig config, params IModelInstance[] instances)
    {
        Config = config;
        Instances = instances;
    }

    public ModelConfig Config { get; }

    public IReadOnlyList<IModelInstance> Instances { get; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public void Dispose()
    {
        Interlocked.Exchange(ref _disposed, 1);
        foreach (var instance in Instances)
        {
            instance.Dispose();
        }
    }
}
