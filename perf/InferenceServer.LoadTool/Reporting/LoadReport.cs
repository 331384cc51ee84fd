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
    IReadOnlyList<StepReport> Steps);
