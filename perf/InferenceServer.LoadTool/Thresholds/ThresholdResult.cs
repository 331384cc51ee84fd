namespace InferenceServer.LoadTool.Thresholds;

/// <summary>
/// One threshold checked: where (<see cref="Scope"/>: <c>step</c> or <c>scenario</c>), the measured value and
/// the limit in <see cref="Unit"/> (latencies in microseconds), and whether it passed.
/// </summary>
public sealed record ThresholdResult(string Threshold, string Scope, string Metric, string Unit, double Measured, double Limit, bool Passed)
{
    internal static ThresholdResult Check(Threshold threshold, string scope, ThresholdSubject subject)
    {
        var measured = ThresholdMetrics.Read(threshold.Metric, subject);
        return new ThresholdResult(threshold.Text, scope, threshold.Metric.ToString(), ThresholdMetrics.Unit(threshold.Metric), measured, threshold.Limit, threshold.IsMetBy(measured));
    }
}
