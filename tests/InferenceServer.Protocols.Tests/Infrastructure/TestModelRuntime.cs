using Inference;
using InferenceServer.Core.Models;

namespace InferenceServer.Protocols.Tests.Infrastructure;

/// <summary>A loaded model without instances: parsing and mapping never execute, they only need the signature.</summary>
internal sealed class TestModelRuntime : IModelRuntime
{
    public TestModelRuntime(ModelConfig config)
    {
        Config = config;
    }

    public ModelConfig Config { get; }

    public IReadOnlyList<IModelInstance> Instances { get; } = [];

    public void Dispose()
    {
    }
}
