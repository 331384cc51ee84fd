namespace InferenceServer.Core.Memory;

/// <summary>
/// "Device" memory that is really 64-byte aligned host memory (<see cref="AlignedHostAllocator"/>),
/// so a <see cref="DeviceMemoryPool"/> and the GPU instance logic above it can run, and be tested, on
/// a machine without a GPU. The addresses are ordinary host pointers: tests can write and read the
/// bytes to check that a block has exactly one owner.
/// </summary>
public sealed unsafe class HostBackedDeviceAllocator : IDeviceMemoryAllocator
{
    /// <param name="deviceOrdinal">The GPU this allocator stands in for (0 or more).</param>
    public HostBackedDeviceAllocator(int deviceOrdinal = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(deviceOrdinal);
        DeviceOrdinal = deviceOrdinal;
    }

    public string Description => $"host memory standing in for GPU {DeviceOrdinal}";

    public int DeviceOrdinal { get; }

    /// <summary>Throws <see cref="OutOfMemoryException"/> when host memory runs out.</summary>
    public nint Allocate(nuint bytes) => (nint)AlignedHostAllocator.Instance.Allocate(bytes);

    public void Free(nint address) => AlignedHostAllocator.Instance.Free((void*)address);
}
