namespace InferenceServer.LoadTool.Reporting;

/// <summary>One bin of a step's latency distribution: successful requests with latency in [LowUs, HighUs).</summary>
public sealed record LatencyBin(double LowUs, double HighUs, long Count);
