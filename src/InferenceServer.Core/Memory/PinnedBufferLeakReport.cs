namespace InferenceServer.Core.Memory;

/// <summary>The leases a <see cref="PinnedBufferPool"/> has handed out and not had back, from <see cref="PinnedBufferPool.GetLeakReport"/>.</summary>
public sealed class PinnedBufferLeakReport : LeaseLeakReport<PinnedBufferLeak>
{
    internal PinnedBufferLeakReport(bool isTracked, int outstandingCount, IReadOnlyList<PinnedBufferLeak> leaks, string note)
        : base(isTracked, outstandingCount, leaks, note)
    {
    }
}
