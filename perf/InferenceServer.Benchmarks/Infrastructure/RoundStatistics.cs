namespace InferenceServer.Benchmarks.Infrastructure;

/// <summary>What the cost probes (<c>--tracing-cost</c>, <c>--profiling-cost</c>) report of their alternating rounds.</summary>
internal static class RoundStatistics
{
    /// <summary>The median of values already in ascending order.</summary>
    public static double Median(double[] sorted) => sorted.Length % 2 == 1
        ? sorted[sorted.Length / 2]
        : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}
