namespace InferenceServer.Core.Traffic;

/// <summary>
/// What <see cref="RollbackGuard.Evaluate"/> concluded: hold (<see cref="Trip"/> false) or roll the canary back,
/// with the bound and a reason that names the canary, the bound and the measured numbers, for logs and events.
/// </summary>
public readonly record struct RollbackDecision(bool Trip, RollbackBound Bound, string? Reason)
{
    public static RollbackDecision Hold => default;
}
