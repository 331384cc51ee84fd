namespace InferenceServer.Core.Models;

/// <summary>
/// One row of the repository index. <see cref="Version"/> is null for a row about the whole model;
/// <see cref="State"/> is null for a model in the folder that was never loaded (listed by name only).
/// </summary>
public sealed record RepositoryIndexEntry(string Name, long? Version, ModelState? State, string Reason);
