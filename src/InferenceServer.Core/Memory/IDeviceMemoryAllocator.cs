namespace InferenceServer.Core.Memory;

/// <summary>
/// Where a <see cref="DeviceMemoryPool"/> gets one GPU's memory: the CUDA driver on a machine with a
/// GPU, <see cref="HostBackedDeviceAllocator"/> where there is none (tests, CI), so the pool and the
/// GPU instance logic run the same code either way.
/// </summary>
/// <remarks>
/// The contract every implementation keeps, because the pool relies on it:
/// <list type="bullet">
/// <item><see cref="Allocate"/> returns a non-zero device address of a block of at least the bytes asked for; the pool never asks for 0 bytes.</item>
/// <item>On failure (out of device memory, a lost context) <see cref="Allocate"/> throws; the pool leaves its counters as they were and lets the exception reach the renter.</item>
/// <item><see cref="Free"/> is called exactly once per address. Both may be called from any thread; one pool calls them one at a time, under its lock.</item>
/// </list>
/// </remarks>
public interface IDeviceMemoryAllocator
{
    /// <summary>What kind of memory this is and on which device, in a few words, for startup logs.</summary>
    string Description { get; }

    /// <summary>The GPU this allocator serves (CUDA device ordinal, 0 first).</summary>
    int DeviceOrdinal { get; }

    /// <summary>Allocates <paramref name="bytes"/> bytes (1 or more) of device memory and returns its device address.</summary>
    nint Allocate(nuint bytes);

    /// <summary>Frees a block returned by <see cref="Allocate"/>.</summary>
    void Free(nint address);
}
