namespace InferenceServer.Core.Models.WarmUp;

/// <summary>A request run on every instance before a version is published, <see cref="Count"/> times.</summary>
public sealed record WarmUpSample(string Name, int Count, IReadOnlyList<WarmUpInput> Inputs);
