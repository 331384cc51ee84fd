using InferenceServer.LoadTool.Options;
using InferenceServer.LoadTool.Thresholds;

namespace InferenceServer.LoadTool.Scenarios;

/// <summary>One step, resolved: the options it runs with (its fixed <see cref="LoadOptions.Duration"/> set), its load and its own thresholds.</summary>
internal sealed record ScenarioStep(string Name, LoadOptions Options, LoadLevel Level, IReadOnlyList<Threshold> Thresholds);
