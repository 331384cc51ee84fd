using InferenceServer.LoadTool.Thresholds;

namespace InferenceServer.LoadTool.Reporting;

/// <summary>A whole run: what was loaded, how, and one entry per step. Written as JSON by <see cref="JsonReport"/>.</summary>
public sealed record LoadReport(
    string Model,
    string ModelVersion,
    string Protocol,
    string Tensors,
    int BatchSize,
    string Mode,
    double MeasurementIntervalMs,
    IReadOnlyList<StepReport> Steps)
{
    /// <summary>Scenario mode: the scenario's name; null from the flags.</summary>
    public string? Scenario { get; init; }

    /// <summary>Thresholds over the whole scenario (all its steps' measured windows together), checked.</summary>
    public IReadOnlyList<ThresholdResult> Thresholds { get; init; } = [];

    /// <summary>Whether every threshold of the report, its steps' included, passed (true when there are none).</summary>
    public bool Passed => Thresholds.All(t => t.Passed) && Steps.All(s => s.Thresholds.All(t => t.Passed));
}
