namespace InferenceServer.LoadTool.Reporting;

/// <summary>
/// One measurement window of a step, for the over-time charts: when it started (seconds since the run began, so
/// scenarios running side by side share one time axis), its length, what completed in it and its latency
/// percentiles in microseconds.
/// </summary>
public sealed record WindowPoint(double StartSeconds, double DurationSeconds, long Requests, long Errors, double RequestsPerSecond, double P50Us, double P90Us, double P99Us);
