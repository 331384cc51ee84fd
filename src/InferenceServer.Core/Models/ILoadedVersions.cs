namespace InferenceServer.Core.Models;

/// <summary>
/// The one thing objects published inside the snapshot (a model's traffic policy, its shadows) may ask of the
/// models: which version is loaded now. Read-only and narrow on purpose, so a snapshot holds no reference to
/// whoever publishes it and cannot change what is loaded.
/// </summary>
public interface ILoadedVersions
{
    /// <summary>The ready version <paramref name="version"/> of <paramref name="model"/> as published now, or null; not held.</summary>
    ModelVersion? Find(string model, long version);
}
