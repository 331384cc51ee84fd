namespace InferenceServer.Core.Models;

/// <summary>A load in progress: the versions being built off to the side (empty until the config is read).</summary>
public sealed record ModelTransition(IReadOnlyList<long> Versions);
