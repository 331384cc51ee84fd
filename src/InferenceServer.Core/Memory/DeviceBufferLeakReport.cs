namespace InferenceServer.Core.Memory;

/// <summary>The leases a <see cref="DeviceMemoryPool"/> has handed out and not had back, from <see cref="DeviceMemoryPool.GetLeakReport"/>.</summary>
public sealed class DeviceBufferLeakReport : LeaseLeakReport<DeviceBufferLeak>
{
    internal DeviceBufferLeakReport(bool isTracked, int outstandingCount, IReadOnlyList<DeviceBufferLeak> leaks, string note)
        : base(isTracked, outstandingCount, leaks, note)
    {
    }
}
