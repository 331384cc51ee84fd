namespace InferenceServer.LoadTool.Measurement;

/// <summary>
/// What completed in one measurement window: successful requests with their latencies, failures by status,
/// and (open loop) how late requests left the client compared with their intended send times.
/// </summary>
internal sealed record WindowResult(
    TimeSpan Duration,
    LatencyHistogram Latency,
    IReadOnlyDictionary<string, long> Errors,
    long SendLagCount,
    long SendLagNanosecondsSum,
    long SendLagNanosecondsMax)
{
    public long Successes => Latency.Count;

    public long ErrorCount => Errors.Values.Sum();

    /// <summary>Successful requests per second of the window.</summary>
    public double RequestsPerSecond => Duration > TimeSpan.Zero ? Successes / Duration.TotalSeconds : 0;

    /// <summary>The latency stability is judged by: a percentile, or the mean.</summary>
    public double LatencyNanoseconds(double? percentile) =>
        percentile is { } p ? Latency.ValueAtPercentile(p) : Latency.MeanNanoseconds;
}
