using InferenceServer.LoadTool.Measurement;
using InferenceServer.LoadTool.Server;

namespace InferenceServer.LoadTool.Tests.Infrastructure;

internal static class Samples
{
    /// <summary>Triton's <c>simple</c> as its metadata and config describe it.</summary>
    public static ModelDescription Simple { get; } = new(
        "simple",
        [new TensorDescription("INPUT0", "INT32", [-1, 16]), new TensorDescription("INPUT1", "INT32", [-1, 16])],
        MaxBatchSize: 8);

    /// <summary>The nearest-rank percentile of <paramref name="sorted"/>, with HDR's rounding of the rank.</summary>
    public static long NearestRank(long[] sorted, double percentile)
    {
        var rank = Math.Max(1, (long)((percentile / 100.0 * sorted.Length) + 0.5));
        return sorted[rank - 1];
    }

    public static LatencyHistogram Histogram(IEnumerable<long> values)
    {
        var histogram = new LatencyHistogram();
        foreach (var value in values)
        {
            histogram.Record(value);
        }

        return histogram;
    }
}
