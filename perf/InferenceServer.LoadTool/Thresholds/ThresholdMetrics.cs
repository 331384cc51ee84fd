namespace InferenceServer.LoadTool.Thresholds;

/// <summary>The names thresholds are written with, and the value each reads from a <see cref="ThresholdSubject"/>.</summary>
internal static class ThresholdMetrics
{
    private static readonly Dictionary<string, ThresholdMetric> ByName = new(StringComparer.Ordinal)
    {
        ["avg"] = ThresholdMetric.AvgLatency,
        ["mean"] = ThresholdMetric.AvgLatency,
        ["p50"] = ThresholdMetric.P50Latency,
        ["p90"] = ThresholdMetric.P90Latency,
        ["p95"] = ThresholdMetric.P95Latency,
        ["p99"] = ThresholdMetric.P99Latency,
        ["max"] = ThresholdMetric.MaxLatency,
        ["throughput"] = ThresholdMetric.Throughput,
        ["rps"] = ThresholdMetric.Throughput,
        ["error_rate"] = ThresholdMetric.ErrorRate,
        ["errors"] = ThresholdMetric.Errors,
    };

    public static IEnumerable<string> Names => ByName.Keys;

    public static bool TryFind(string name, out ThresholdMetric metric) => ByName.TryGetValue(name, out metric);

    public static bool IsLatency(ThresholdMetric metric) => metric <= ThresholdMetric.MaxLatency;

    /// <summary>The unit the report states the metric in (limits of latency thresholds are converted to it).</summary>
    public static string Unit(ThresholdMetric metric) => metric switch
    {
        _ when IsLatency(metric) => "us",
        ThresholdMetric.Throughput => "req/s",
        ThresholdMetric.ErrorRate => "ratio",
        _ => "requests",
    };

    public static double Read(ThresholdMetric metric, ThresholdSubject subject) => metric switch
    {
        ThresholdMetric.AvgLatency => subject.Latency.AvgUs,
        ThresholdMetric.P50Latency => subject.Latency.P50Us,
        ThresholdMetric.P90Latency => subject.Latency.P90Us,
        ThresholdMetric.P95Latency => subject.Latency.P95Us,
        ThresholdMetric.P99Latency => subject.Latency.P99Us,
        ThresholdMetric.MaxLatency => subject.Latency.MaxUs,
        ThresholdMetric.Throughput => subject.RequestsPerSecond,
        ThresholdMetric.ErrorRate => subject.Successes + subject.Errors > 0 ? subject.Errors / (double)(subject.Successes + subject.Errors) : 0,
        _ => subject.Errors,
    };
}
