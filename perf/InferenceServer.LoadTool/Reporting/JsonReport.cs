using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferenceServer.LoadTool.Reporting;

/// <summary>The report as JSON (<c>--json-file</c>): <see cref="LoadReport"/> with snake_case names, source-generated.</summary>
public static class JsonReport
{
    public static string Serialize(LoadReport report) => JsonSerializer.Serialize(report, ReportJsonContext.Default.LoadReport);

    public static LoadReport? Deserialize(string json) => JsonSerializer.Deserialize(json, ReportJsonContext.Default.LoadReport);

    /// <summary>Scenario mode: <c>{"scenarios": [report, ...], "passed": ...}</c>.</summary>
    public static string Serialize(ScenarioRunReport run) => JsonSerializer.Serialize(run, ReportJsonContext.Default.ScenarioRunReport);

    public static ScenarioRunReport? DeserializeRun(string json) => JsonSerializer.Deserialize(json, ReportJsonContext.Default.ScenarioRunReport);
}

/// <summary>A scenario file's run: one report per scenario, and whether every threshold passed.</summary>
public sealed record ScenarioRunReport(IReadOnlyList<LoadReport> Scenarios)
{
    public bool Passed => Scenarios.All(s => s.Passed);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(LoadReport))]
[JsonSerializable(typeof(ScenarioRunReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
