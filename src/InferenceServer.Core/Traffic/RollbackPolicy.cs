namespace InferenceServer.Core.Traffic;

/// <summary>
/// When to stop sending traffic to <see cref="Canary"/>: its error rate, or its p99 latency relative to the rest
/// of the weighted versions, measured over the last <see cref="WindowSeconds"/> seconds, exceeds a bound. A bound
/// left null is not checked; a policy sets at least one. See <see cref="RollbackGuard"/> for the evaluation.
/// </summary>
public sealed record RollbackPolicy(long Canary)
{
    /// <summary>Window when the policy gives none: long enough to gather a few hundred requests on a modest canary share.</summary>
    public const int DefaultWindowSeconds = 60;

    /// <summary>Requests needed before a bound is checked when the policy gives none: below it one failure swings the rate by 1 %.</summary>
    public const int DefaultMinRequests = 100;

    /// <summary>Trip when the canary's failures / requests in the window is above this; in [0, 1].</summary>
    public double? MaxErrorRate { get; init; }

    /// <summary>Trip when canary p99 / primary p99 in the window is above this; greater than 1.</summary>
    public double? MaxP99Ratio { get; init; }

    /// <summary>Length of the window the numbers are measured over; at least 1.</summary>
    public int WindowSeconds { get; init; } = DefaultWindowSeconds;

    /// <summary>A side with fewer requests than this in the window is not judged; at least 1.</summary>
    public int MinRequests { get; init; } = DefaultMinRequests;

    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);
}
