namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>One tensor of a reference file.</summary>
public sealed record ReferenceTensorFile
{
    public string Name { get; init; } = "";

    public string Kind { get; init; } = "input";

    public List<ReferenceFeatureFile> Features { get; init; } = [];

    /// <summary>Column names, one per feature (from a CSV header); null when the features are only numbered.</summary>
    public List<string>? FeatureNames { get; init; }
}
