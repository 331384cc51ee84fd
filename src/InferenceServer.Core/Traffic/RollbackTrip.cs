namespace InferenceServer.Core.Traffic;

/// <summary>
/// A canary's rollback guard tripped under the policy <paramref name="Traffic"/>: the event a traffic policy
/// raises, on a request thread, for whoever publishes policies to act on (take the canary out of rotation).
/// </summary>
public readonly record struct RollbackTrip(ModelTraffic Traffic, RollbackDecision Decision);
