namespace InferenceServer.LoadTool.Reporting;

/// <summary>
/// Client-side latency of successful requests, in microseconds: from send to response in a closed loop,
/// from the intended send time to response in an open loop. <see cref="Percentile"/> is <c>--percentile</c>
/// when given, with its value in <see cref="PercentileUs"/>.
/// </summary>
public sealed record LatencySummary(
    double AvgUs,
    double MinUs,
    double P50Us,
    double P90Us,
    double P95Us,
    double P99Us,
    double MaxUs,
    double? Percentile,
    double? PercentileUs);
