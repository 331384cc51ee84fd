namespace InferenceServer.LoadTool.Thresholds;

/// <summary>What a <see cref="Threshold"/> is about; <see cref="ThresholdMetrics"/> names each and reads it from a measurement.</summary>
public enum ThresholdMetric
{
    AvgLatency,
    P50Latency,
    P90Latency,
    P95Latency,
    P99Latency,
    MaxLatency,
    Throughput,
    ErrorRate,
    Errors,
}
