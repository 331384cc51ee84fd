using InferenceServer.LoadTool.Thresholds;

namespace InferenceServer.LoadTool.Scenarios;

/// <summary>A scenario, resolved: its steps run one after another, side by side with the file's other scenarios.</summary>
internal sealed record Scenario(string Name, IReadOnlyList<Threshold> Thresholds, IReadOnlyList<ScenarioStep> Steps);
