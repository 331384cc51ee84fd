namespace InferenceServer.OnnxRuntime.Gpu;

/// <summary>A machine without a usable GPU: every <c>KIND_GPU</c> instance group fails to load with <see cref="UnavailableReason"/>.</summary>
public sealed class UnavailableGpuPlatform : IGpuPlatform
{
    public UnavailableGpuPlatform(string reason)
    {
        UnavailableReason = $"no GPU is available: {reason}";
    }

    public string UnavailableReason { get; }

    public int DeviceCount => 0;

    public IInstanceDevice CreateInstanceDevice(int ordinal) => throw new InvalidOperationException(UnavailableReason);
}
