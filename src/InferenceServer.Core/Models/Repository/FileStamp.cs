namespace InferenceServer.Core.Models.Repository;

/// <summary>What poll mode compares of one file between polls: its path under the model folder, size and modification time.</summary>
public readonly record struct FileStamp(string Path, long Size, long ModifiedTicks);
