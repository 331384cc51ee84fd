using Inference;

namespace InferenceServer.Core.Models.Repository;

/// <summary>
/// The first half of a load, cheap and side-effect free: the config read and checked, the backend chosen
/// and the versions the policy selects — so the index can show them LOADING before any session is built.
/// <see cref="FailureReason"/> is set (and nothing else) when the model cannot be loaded at all.
/// </summary>
public sealed record ModelLoadPlan(string ModelName, ModelConfig? Config, IModelBackend? Backend, IReadOnlyList<long> Versions, string FailureReason)
{
    /// <summary>Versions among <see cref="Versions"/> that only the model's traffic.json keeps (the version policy alone would not).</summary>
    public IReadOnlyList<long> KeptByTraffic { get; init; } = [];

    public static ModelLoadPlan Failed(string name, string reason) => new(name, null, null, [], reason);
}
