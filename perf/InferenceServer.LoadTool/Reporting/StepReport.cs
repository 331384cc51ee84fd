namespace InferenceServer.LoadTool.Reporting;

/// <summary>
/// One load step. Throughput and latency come from the measured windows (the last three when the step
/// measured until stable, every window when <see cref="FixedDuration"/> (<c>--duration-secs</c>); there
/// <see cref="Stable"/> still says whether the last three windows agreed). <see cref="StepSuccesses"/> and
/// <see cref="StepErrors"/> count every request of the step — warm-up before the first window and the
/// drain after the last included — which is the same span the server's statistics were read around, so
/// <see cref="StepSuccesses"/> equals <see cref="ServerBreakdown.SuccessCount"/> when the tool is the only client.
/// </summary>
public sealed record StepReport(
    int? Concurrency,
    double? RequestRate,
    bool FixedDuration,
    bool Stable,
    int Windows,
    double MeasuredSeconds,
    long MeasuredRequests,
    double RequestsPerSecond,
    double InferencesPerSecond,
    LatencySummary Latency,
    IReadOnlyDictionary<string, long> MeasuredErrors,
    long StepSuccesses,
    IReadOnlyDictionary<string, long> StepErrors,
    SendLagSummary? SendLag,
    ServerBreakdown Server);
