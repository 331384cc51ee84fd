using System.Text.Json.Serialization;

namespace InferenceServer.LoadTool.Scenarios;

/// <summary>
/// A scenario file as written (snake_case JSON, comments and trailing commas allowed, unknown fields refused).
/// Fields left out of a step come from its scenario, and fields left out of a scenario from the command line.
/// <see cref="ScenarioParser"/> checks it and resolves it into <see cref="Scenario"/>s.
/// </summary>
internal sealed class ScenarioFileModel
{
    public List<ScenarioModel>? Scenarios { get; set; }
}

/// <summary>One scenario: its target and data, its thresholds over all its steps, and its steps in order.</summary>
internal sealed class ScenarioModel : TargetModel
{
    public string? Name { get; set; }

    public int? BatchSize { get; set; }

    public int? Seed { get; set; }

    public int? MaxInFlight { get; set; }

    public double? MeasurementIntervalMs { get; set; }

    public double? RequestTimeoutSecs { get; set; }

    public Dictionary<string, long[]>? Shapes { get; set; }

    public List<StepModel>? Steps { get; set; }
}

/// <summary>One step: exactly one of <c>concurrency</c>, <c>rate</c> or <c>ramp</c>, and how long.</summary>
internal sealed class StepModel : TargetModel
{
    public string? Name { get; set; }

    public int? Concurrency { get; set; }

    public double? Rate { get; set; }

    public RampModel? Ramp { get; set; }

    public string? Distribution { get; set; }

    public double? DurationSecs { get; set; }
}

/// <summary>An open-loop rate growing linearly from <c>from</c> to <c>to</c> requests/s over the step.</summary>
internal sealed class RampModel
{
    public double? From { get; set; }

    public double? To { get; set; }
}

/// <summary>What a scenario or a step may set about what it sends, and where, and what it must meet.</summary>
internal abstract class TargetModel
{
    public string? Model { get; set; }

    public string? Version { get; set; }

    public string? Url { get; set; }

    public string? Protocol { get; set; }

    public string? Tensors { get; set; }

    public string? InputData { get; set; }

    public List<string>? Thresholds { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(ScenarioFileModel))]
internal sealed partial class ScenarioJsonContext : JsonSerializerContext;
