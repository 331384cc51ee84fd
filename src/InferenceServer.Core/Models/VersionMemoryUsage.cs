namespace InferenceServer.Core.Models;

/// <summary>
/// Memory a loaded version holds on one device, as Triton's statistics extension reports it (<c>memory_usage</c>:
/// <c>{type, id, byte_size}</c>). What a backend counts is its to say (docs/telemetry.md, "Memory usage").
/// </summary>
/// <param name="Kind">"CPU", "CPU_PINNED" or "GPU" (<see cref="Cpu"/>, <see cref="CpuPinned"/>, <see cref="Gpu"/>).</param>
/// <param name="DeviceId">The GPU's ordinal; 0 for host memory.</param>
/// <param name="ByteSize">Bytes held.</param>
public readonly record struct VersionMemoryUsage(string Kind, long DeviceId, long ByteSize)
{
    public const string Cpu = "CPU";
    public const string CpuPinned = "CPU_PINNED";
    public const string Gpu = "GPU";
}
