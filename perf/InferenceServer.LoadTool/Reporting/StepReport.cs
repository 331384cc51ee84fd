using InferenceServer.LoadTool.Thresholds;

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
    ServerBreakdown Server)
{
    /// <summary>Scenario mode: the step's name (or its position), its model and protocol; null from the flags.</summary>
    public string? Name { get; init; }

    public string? Model { get; init; }

    public string? Protocol { get; init; }

    /// <summary>A ramp: the rate grows linearly from <see cref="RequestRate"/> to this over the step.</summary>
    public double? RampToRate { get; init; }

    /// <summary>Every window of the step in order, warm-up windows included, for the over-time charts.</summary>
    public IReadOnlyList<WindowPoint> Timeline { get; init; } = [];

    /// <summary>The measured windows' latencies in log-spaced bins; the counts add up to <see cref="MeasuredRequests"/>.</summary>
    public IReadOnlyList<LatencyBin> Histogram { get; init; } = [];

    /// <summary>The step's thresholds (<c>--threshold</c>, or the step's own in a scenario file), checked.</summary>
    public IReadOnlyList<ThresholdResult> Thresholds { get; init; } = [];
}
