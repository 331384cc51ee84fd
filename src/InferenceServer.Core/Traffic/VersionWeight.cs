namespace InferenceServer.Core.Traffic;

/// <summary>
/// One entry of a traffic policy's <c>weights</c>: a model version and its relative weight. Weights are shares of
/// the total, not percentages: 90/10, 9/1 and 900/100 route the same. A weight of 0 names a version without
/// sending it traffic (a canary that was rolled back, or one about to be ramped up).
/// </summary>
public readonly record struct VersionWeight(long Version, int Weight);
