using Inference;

namespace InferenceServer.Core.Models;

/// <summary>What a (re)load of one model takes from outside its repository folder.</summary>
public sealed record ModelLoadOptions
{
    public static readonly ModelLoadOptions Default = new();

    /// <summary>A config to use instead of config.pbtxt (the load API's <c>config</c> parameter).</summary>
    public ModelConfig? ConfigOverride { get; init; }

    /// <summary>
    /// The version folders to consider, ascending; null lists the folder. Poll mode passes only the
    /// folders it has seen complete, so a version still being copied is never tried.
    /// </summary>
    public IReadOnlyList<long>? VersionsOnDisk { get; init; }

    /// <summary>
    /// Versions whose files are unchanged since they were loaded: the loaded instance (or its failure) is
    /// kept instead of loading the files again. Null reloads every version.
    /// </summary>
    public IReadOnlySet<long>? UnchangedVersions { get; init; }
}
