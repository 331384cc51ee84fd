using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>One feature of a reference file.</summary>
public sealed record ReferenceFeatureFile
{
    public long Count { get; init; }

    public double Mean { get; init; }

    public double StdDev { get; init; }

    public double Min { get; init; }

    public double Max { get; init; }

    public KllSnapshot Sketch { get; init; } = new();
}
