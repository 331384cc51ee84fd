using InferenceServer.Core.Memory;
using InferenceServer.Cuda;

namespace InferenceServer.OnnxRuntime.Gpu;

/// <summary>Device memory of one GPU for its <see cref="DeviceMemoryPool"/> (<c>cuMemAlloc</c>: 256-byte aligned).</summary>
public sealed class CudaDeviceAllocator : IDeviceMemoryAllocator
{
    private readonly CudaContext _context;

    public CudaDeviceAllocator(CudaContext context)
    {
        _context = context;
    }

    public string Description => $"device memory of GPU {DeviceOrdinal} (CUDA)";

    public int DeviceOrdinal => _context.DeviceOrdinal;

    public nint Allocate(nuint bytes) => (nint)_context.AllocateDevice(bytes);

    public void Free(nint address) => _context.FreeDevice((ulong)address);
}
