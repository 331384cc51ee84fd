using Inference;

namespace InferenceServer.Core.Models;

/// <summary>A loaded model version as a backend hands it over: its completed config and its instances.</summary>
public interface IModelRuntime : IDisposable
{
    /// <summary>The configuration after auto-completion from the model file.</summary>
    ModelConfig Config { get; }

    IReadOnlyList<IModelInstance> Instances { get; }

    /// <summary>
    /// What the version holds, per device, measured at load (the statistics' <c>memory_usage</c>); none by default, as
    /// for an ensemble, which holds nothing of its own.
    /// </summary>
    IReadOnlyList<VersionMemoryUsage> MemoryUsage => [];
}
