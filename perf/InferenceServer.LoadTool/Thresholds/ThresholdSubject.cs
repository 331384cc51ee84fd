using InferenceServer.LoadTool.Reporting;

namespace InferenceServer.LoadTool.Thresholds;

/// <summary>
/// What a threshold is checked against: a step, or a whole scenario (its steps' measured windows merged).
/// Latency and throughput come from the measured windows; successes and errors count every request sent,
/// so an error during warm-up or drain still fails an <c>error_rate</c> threshold.
/// </summary>
internal sealed record ThresholdSubject(LatencySummary Latency, double RequestsPerSecond, long Successes, long Errors)
{
    public static ThresholdSubject Of(StepReport step) =>
        new(step.Latency, step.RequestsPerSecond, step.StepSuccesses, step.StepErrors.Values.Sum());
}
