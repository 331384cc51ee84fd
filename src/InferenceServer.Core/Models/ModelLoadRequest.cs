using Inference;

namespace InferenceServer.Core.Models;

/// <summary>What a backend needs to load one version. <see cref="Config"/> is the backend's own copy to complete.</summary>
public sealed record ModelLoadRequest(string ModelName, long Version, string ModelDirectory, string VersionDirectory, ModelConfig Config)
{
    /// <summary>
    /// The repository root files must stay under once symbolic links are resolved
    /// (<see cref="Repository.ModelRepository.EnsureUnder"/>); "" when the caller checks nothing (tests).
    /// </summary>
    public string RepositoryRoot { get; init; } = "";
}
