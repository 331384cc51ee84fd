namespace InferenceServer.Core.SharedMemory;

/// <summary>One registered region as the status calls report it (the client's own name, key, offset and size).</summary>
public sealed record SharedMemoryRegionStatus(string Name, SharedMemoryKind Kind, string Key, long Offset, long ByteSize, long DeviceId);
