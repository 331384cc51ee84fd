using Inference;
using InferenceServer.Core.Models;

namespace InferenceServer.FuzzTargets.Models;

/// <summary>A loaded model without instances: parsing, mapping and validation only read the signature, nothing executes.</summary>
internal sealed class NoInstanceRuntime(ModelConfig config) : IModelRuntime
{
    public ModelConfig Config { get; } = config;

    public IReadOnlyList<IModelInstance> Instances { get; } = [];

    public void Dispose()
    {
    }
}
