namespace InferenceServer.OnnxRuntime.Gpu;

/// <summary>
/// The GPUs the ONNX Runtime backend can place <c>KIND_GPU</c> instances on: the real CUDA devices
/// (<see cref="CudaGpuPlatform"/>), none (<see cref="UnavailableGpuPlatform"/>), or host memory standing in
/// for a GPU so the instance path is tested on machines without one (<see cref="HostStandInGpuPlatform"/>).
/// </summary>
public interface IGpuPlatform
{
    /// <summary>Empty when <c>KIND_GPU</c> instances can run here; otherwise why not, for the load error.</summary>
    string UnavailableReason { get; }

    /// <summary>GPUs by ordinal, 0 to <see cref="DeviceCount"/> - 1.</summary>
    int DeviceCount { get; }

    /// <summary>An instance's own stream and timing on GPU <paramref name="ordinal"/>, with that GPU's memory pool.</summary>
    IInstanceDevice CreateInstanceDevice(int ordinal);
}
