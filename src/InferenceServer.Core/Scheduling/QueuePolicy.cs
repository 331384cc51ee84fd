using Inference;

namespace InferenceServer.Core.Scheduling;

/// <summary>
/// Triton's <c>ModelQueuePolicy</c> for one priority level, resolved: timeouts in the scheduler clock's
/// ticks, and a queue bound that is never unbounded (the server's cap stands in for "0 = unbounded").
/// </summary>
public sealed record QueuePolicy(bool DelayOnTimeout, long DefaultTimeoutMicroseconds, bool AllowTimeoutOverride, int MaxQueueSize)
{
    public static QueuePolicy From(ModelQueuePolicy? policy, int serverQueueCap) => policy is null
        ? new QueuePolicy(false, 0, false, serverQueueCap)
        : new QueuePolicy(
            policy.TimeoutAction == ModelQueuePolicy.Types.TimeoutAction.Delay,
            (long)Math.Min(policy.DefaultTimeoutMicroseconds, long.MaxValue / 2),
            policy.AllowTimeoutOverride,
            policy.MaxQueueSize == 0 ? serverQueueCap : (int)Math.Min(policy.MaxQueueSize, (uint)serverQueueCap));

    /// <summary>
    /// The queue timeout of a request in microseconds (0 = none): the level's default, lowered (never
    /// raised) by the request's own <c>timeout</c> when the policy allows overrides.
    /// </summary>
    public long TimeoutMicroseconds(ulong requested)
    {
        if (!AllowTimeoutOverride || requested == 0)
        {
            return DefaultTimeoutMicroseconds;
        }

        var capped = (long)Math.Min(requested, long.MaxValue / 2);
        return DefaultTimeoutMicroseconds == 0 ? capped : Math.Min(capped, DefaultTimeoutMicroseconds);
    }
}
