namespace InferenceServer.Core.Models;

/// <summary>One version of a model in the repository table: its state and, when ready, the loaded version.</summary>
public sealed record ModelVersionEntry(long Version, ModelState State, string Reason, ModelVersion? Loaded)
{
    /// <summary>Loaded only because the model's traffic.json names it (the version policy alone would not select it).</summary>
    public bool KeptByTraffic { get; init; }
}
