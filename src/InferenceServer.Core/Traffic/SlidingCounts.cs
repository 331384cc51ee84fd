namespace InferenceServer.Core.Traffic;

/// <summary>What a <see cref="SlidingCounter"/> holds for its window: requests, and how many of them failed.</summary>
public readonly record struct SlidingCounts(long Requests, long Failures);
