namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>One tensor of a reference file.</summary>
public sealed record ReferenceTensorFile
{
    public string Name { get; init; } = "";

    public string Kind { get; init; } = "input";

    public List<ReferenceFeatureFile> Features { get; init; } = [];
}
