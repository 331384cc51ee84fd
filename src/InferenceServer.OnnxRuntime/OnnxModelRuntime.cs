using Inference;
using InferenceServer.Core.Models;
using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.OnnxRuntime;

/// <summary>The instances of one loaded ONNX model version and the session options they share.</summary>
internal sealed class OnnxModelRuntime : IModelRuntime
{
    private readonly SessionOptions _options;

    public OnnxModelRuntime(ModelConfig config, IReadOnlyList<IModelInstance> instances, SessionOptions options, IReadOnlyList<VersionMemoryUsage> memoryUsage)
    {
        Config = config;
        Instances = instances;
        _options = options;
        MemoryUsage = memoryUsage;
    }

    public ModelConfig Config { get; }

    public IReadOnlyList<IModelInstance> Instances { get; }

    public IReadOnlyList<VersionMemoryUsage> MemoryUsage { get; }

    public void Dispose()
    {
        foreach (var instance in Instances)
        {
            instance.Dispose();
        }

        _options.Dispose();
    }
}
