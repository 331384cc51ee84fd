namespace InferenceServer.Core.Traffic;

/// <summary>
/// One side's numbers over a rollback window: requests finished, how many failed, and their p99 latency
/// (null when unknown, such as no requests). Which failures count (server errors, not rejected client input)
/// is the caller's choice; both sides must count the same way.
/// </summary>
public readonly record struct TrafficWindowStats(long Requests, long Failures, double? P99Milliseconds)
{
    /// <summary>Failures / requests; 0 with no requests.</summary>
    public double ErrorRate => Requests <= 0 ? 0 : (double)Failures / Requests;
}
