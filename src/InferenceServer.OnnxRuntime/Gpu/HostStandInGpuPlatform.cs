using InferenceServer.Core.Memory;

namespace InferenceServer.OnnxRuntime.Gpu;

/// <summary>
/// GPUs made of host memory: each "GPU" has a <see cref="DeviceMemoryPool"/> over
/// <see cref="HostBackedDeviceAllocator"/>, copies are memcpy and sessions stay on ONNX Runtime's CPU
/// provider. A <c>KIND_GPU</c> model placed here goes through exactly the GPU instance path (device
/// leases, copies in and out, OrtValues over device buffers, stage timing), so that path is tested on
/// machines without a GPU.
/// </summary>
internal sealed class HostStandInGpuPlatform : IGpuPlatform, IDisposable
{
    private readonly DeviceMemoryPool[] _pools;

    public HostStandInGpuPlatform(int deviceCount, long poolByteSize = DeviceMemoryPool.DefaultByteBudget, bool debug = true)
    {
        _pools = new DeviceMemoryPool[deviceCount];
        for (var ordinal = 0; ordinal < deviceCount; ordinal++)
        {
            _pools[ordinal] = new DeviceMemoryPool(new HostBackedDeviceAllocator(ordinal), poolByteSize, debug);
        }
    }

    public string UnavailableReason => string.Empty;

    public int DeviceCount => _pools.Length;

    public DeviceMemoryPool Pool(int ordinal) => _pools[ordinal];

    public IInstanceDevice CreateInstanceDevice(int ordinal) => new HostInstanceDevice(ordinal, _pools[ordinal]);

    public void Dispose()
    {
        foreach (var pool in _pools)
        {
            pool.Dispose();
        }
    }
}
