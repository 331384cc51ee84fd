namespace InferenceServer.Core.SharedMemory;

/// <summary>
/// A tensor's <c>shared_memory_region</c>, <c>shared_memory_offset</c> and <c>shared_memory_byte_size</c> parameters as
/// a codec read them (HTTP JSON parameters, gRPC <c>InferParameter</c>s); checked against the region by
/// <see cref="SharedMemoryTensors"/>.
/// </summary>
public readonly record struct SharedMemoryReference(string Region, long Offset, long ByteSize);
