using System.Runtime.InteropServices;

namespace InferenceServer.Core.Memory;

/// <summary>
/// The default <see cref="IHostMemoryAllocator"/>: ordinary (pageable) native memory from
/// <see cref="NativeMemory.AlignedAlloc"/>, aligned to <see cref="PinnedBufferPool.Alignment"/>. It never
/// moves, which is all ONNX Runtime on the CPU needs; only DMA to a GPU wants page-locked memory.
/// </summary>
public sealed unsafe class AlignedHostAllocator : IHostMemoryAllocator
{
    private AlignedHostAllocator()
    {
    }

    /// <summary>The one instance; the allocator has no state.</summary>
    public static AlignedHostAllocator Instance { get; } = new();

    public string Description => "pageable host memory";

    /// <summary>Throws <see cref="OutOfMemoryException"/> when the allocation fails; a 0-byte request gets a 1-byte block.</summary>
    public void* Allocate(nuint bytes) => NativeMemory.AlignedAlloc(Math.Max(bytes, 1), PinnedBufferPool.Alignment);

    public void Free(void* pointer) => NativeMemory.AlignedFree(pointer);
}
