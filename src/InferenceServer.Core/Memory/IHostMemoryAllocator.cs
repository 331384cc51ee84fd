namespace InferenceServer.Core.Memory;

/// <summary>
/// Where a <see cref="PinnedBufferPool"/> gets its native memory. The default
/// (<see cref="AlignedHostAllocator"/>) is ordinary pageable memory; on a machine with an NVIDIA GPU
/// the server swaps in page-locked memory from the CUDA driver, so host-to-device copies run at full
/// DMA speed instead of being staged through a driver bounce buffer.
/// </summary>
/// <remarks>
/// The contract every implementation keeps, because the pool and its callers rely on it:
/// <list type="bullet">
/// <item><see cref="Allocate"/> returns memory aligned to at least <see cref="PinnedBufferPool.Alignment"/> (64) bytes, readable and writable, that never moves until freed.</item>
/// <item>On failure <see cref="Allocate"/> throws (<see cref="OutOfMemoryException"/> or the allocator's own exception); it never returns null. The pool leaves its counters as they were and lets the exception reach the renter.</item>
/// <item><see cref="Free"/> is called exactly once per allocation, and may be called from any thread (a lease is often returned on another thread than the one that rented it).</item>
/// </list>
/// </remarks>
public interface IHostMemoryAllocator
{
    /// <summary>What kind of memory this is, in a few words, for startup logs ("pageable host memory").</summary>
    string Description { get; }

    /// <summary>Allocates <paramref name="bytes"/> bytes (0 allowed: still a distinct, freeable block), aligned to at least 64 bytes.</summary>
    unsafe void* Allocate(nuint bytes);

    /// <summary>Frees a block returned by <see cref="Allocate"/>, on any thread.</summary>
    unsafe void Free(void* pointer);
}
