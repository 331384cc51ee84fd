namespace InferenceServer.Client.Models;

/// <summary>One of Triton's <c>{"count": n, "ns": total}</c> statistics.</summary>
/// <param name="Count">How many times it happened.</param>
/// <param name="Nanoseconds">The total time it took, in nanoseconds.</param>
public readonly record struct DurationStatistic(long Count, long Nanoseconds);
