namespace InferenceServer.Core.Traffic;

/// <summary>
/// Decides whether a canary breaks its <see cref="RollbackPolicy"/>, from numbers measured over the policy's
/// window. Pure: it holds no state and reads no clock, so the caller chooses how often to evaluate and what to
/// do on a trip (set the canary's weight to 0). "Primary" means the other weighted versions together.
/// <list type="bullet">
/// <item>Error rate: trips when the canary has at least <see cref="RollbackPolicy.MinRequests"/> requests and
/// failures / requests is above <see cref="RollbackPolicy.MaxErrorRate"/>. It is judged on its own, not against
/// the primary, so a canary that fails is caught even when it takes most of the traffic.</item>
/// <item>p99 ratio: trips when both sides have at least <see cref="RollbackPolicy.MinRequests"/> requests and a
/// p99, the primary's above 0, and canary p99 / primary p99 is above <see cref="RollbackPolicy.MaxP99Ratio"/>.
/// Both sides need enough requests, since a p99 of a handful of requests is one outlier.</item>
/// </list>
/// The error rate is checked first; a decision reports the first bound that trips.
/// </summary>
public sealed class RollbackGuard
{
    public RollbackGuard(RollbackPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Policy = policy;
    }

    public RollbackPolicy Policy { get; }

    public RollbackDecision Evaluate(in TrafficWindowStats primary, in TrafficWindowStats canary)
    {
        var minRequests = Policy.MinRequests;
        if (canary.Requests < minRequests)
        {
            return RollbackDecision.Hold;
        }

        if (Policy.MaxErrorRate is { } maxErrorRate && canary.ErrorRate > maxErrorRate)
        {
            return new RollbackDecision(
                true,
                RollbackBound.MaxErrorRate,
                $"canary {Policy.Canary} error rate {canary.ErrorRate:F3} over {canary.Requests} requests exceeds {maxErrorRate:F3}");
        }

        if (Policy.MaxP99Ratio is { } maxRatio
            && primary.Requests >= minRequests
            && canary.P99Milliseconds is { } canaryP99
            && primary.P99Milliseconds is { } primaryP99 and > 0)
        {
            var ratio = canaryP99 / primaryP99;
            if (ratio > maxRatio)
            {
                return new RollbackDecision(
                    true,
                    RollbackBound.MaxP99Ratio,
                    $"canary {Policy.Canary} p99 {canaryP99:F1} ms is {ratio:F2} times the primary's {primaryP99:F1} ms "
                    + $"over {canary.Requests} and {primary.Requests} requests, exceeds {maxRatio:F2}");
            }
        }

        return RollbackDecision.Hold;
    }
}
