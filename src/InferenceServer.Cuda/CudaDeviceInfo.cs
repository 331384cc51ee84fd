namespace InferenceServer.Cuda;

/// <summary>What the driver says about one GPU, read once when the driver is loaded.</summary>
/// <param name="Ordinal">The CUDA device ordinal (the <c>gpus: [...]</c> numbers of an instance group).</param>
/// <param name="Name">Marketing name, e.g. "NVIDIA H100 80GB HBM3".</param>
/// <param name="Uuid">"GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" as nvidia-smi prints it: Triton's <c>gpu_uuid</c> metric label.</param>
/// <param name="PciBusId">Domain:bus:device.function, the key NVML knows the device by.</param>
/// <param name="TotalMemoryBytes">Device memory.</param>
/// <param name="ComputeCapability">Major.minor, e.g. "9.0".</param>
/// <param name="MultiprocessorCount">Streaming multiprocessors.</param>
/// <param name="AsyncEngineCount">Copy engines: 2 or more lets a host-to-device and a device-to-host copy run at once, beside a kernel.</param>
public sealed record CudaDeviceInfo(
    int Ordinal,
    string Name,
    string Uuid,
    string PciBusId,
    long TotalMemoryBytes,
    string ComputeCapability,
    int MultiprocessorCount,
    int AsyncEngineCount)
{
    /// <summary>One line for logs and server metadata: "0: NVIDIA H100 80GB HBM3 (cc 9.0, 79.1 GiB, 0000:00:05.0)".</summary>
    public override string ToString() =>
        FormattableString.Invariant($"{Ordinal}: {Name} (cc {ComputeCapability}, {TotalMemoryBytes / (double)(1L << 30):0.0} GiB, {PciBusId})");
}
