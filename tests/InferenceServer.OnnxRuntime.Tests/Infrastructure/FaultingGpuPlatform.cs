using InferenceServer.Core.Memory;
using InferenceServer.Core.Scheduling;
using InferenceServer.Cuda;
using InferenceServer.OnnxRuntime.Gpu;

namespace InferenceServer.OnnxRuntime.Tests.Infrastructure;

/// <summary>
/// The host stand-in GPU (<see cref="HostStandInGpuPlatform"/>) with the failures a real GPU gives through the driver:
/// an instance's stream that cannot be made (the <paramref name="failCreationAt"/>-th, 1-based) and a copy that fails,
/// each as the <see cref="CudaException"/> the driver bindings throw. Counts the devices made and disposed.
/// </summary>
internal sealed class FaultingGpuPlatform(int failCreationAt = 0, string unavailableReason = "") : IGpuPlatform, IDisposable
{
    private readonly HostStandInGpuPlatform _inner = new(deviceCount: 1);
    private int _created;
    private int _disposed;

    public string UnavailableReason => unavailableReason;

    public int DeviceCount => _inner.DeviceCount;

    public int Created => Volatile.Read(ref _created);

    public int Disposed => Volatile.Read(ref _disposed);

    /// <summary>The next copy to or from the device, on any instance, throws this once.</summary>
    public CudaException? FailNextCopy { get; set; }

    public DeviceMemoryPool Pool => _inner.Pool(0);

    public static CudaException OutOfMemory(string call) => new(call, 2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory");

    public IInstanceDevice CreateInstanceDevice(int ordinal)
    {
        if (Interlocked.Increment(ref _created) == failCreationAt)
        {
            throw OutOfMemory("cuStreamCreate");
        }

        return new Device(this, _inner.CreateInstanceDevice(ordinal));
    }

    public void Dispose() => _inner.Dispose();

    private sealed class Device(FaultingGpuPlatform platform, IInstanceDevice inner) : IInstanceDevice
    {
        public int Ordinal => inner.Ordinal;

        public bool IsHostMemory => inner.IsHostMemory;

        public nint StreamHandle => inner.StreamHandle;

        public DeviceBuffer Rent(int bytes) => inner.Rent(bytes);

        public void CopyToDevice(DeviceBuffer destination, nint source, int bytes)
        {
            ThrowIfFailing();
            inner.CopyToDevice(destination, source, bytes);
        }

        public void CopyToHost(nint destination, DeviceBuffer source, int bytes)
        {
            ThrowIfFailing();
            inner.CopyToHost(destination, source, bytes);
        }

        public void Mark(ExecutionStage stage) => inner.Mark(stage);

        public ExecutionTimings Complete() => inner.Complete();

        public void WaitForStream() => inner.WaitForStream();

        public void Dispose()
        {
            Interlocked.Increment(ref platform._disposed);
            inner.Dispose();
        }

        private void ThrowIfFailing()
        {
            if (platform.FailNextCopy is { } failure)
            {
                platform.FailNextCopy = null;
                throw failure;
            }
        }
    }
}
