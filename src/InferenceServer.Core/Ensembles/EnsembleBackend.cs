using Inference;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;

namespace InferenceServer.Core.Ensembles;

/// <summary>
/// Loads <c>platform: "ensemble"</c> models: plans the steps and checks them against the composing models as the
/// catalog publishes them now (so an ensemble is loaded after its composing models, and is ready only when each of them
/// is). The loader always has it; the catalog is attached once the loaded models are wired
/// (<see cref="Models.Lifecycle.LoadedModels"/>).
/// </summary>
internal sealed class EnsembleBackend : IModelBackend
{
    private readonly InferenceRequestPool _stepRequests = new();

    /// <summary>Where steps find their composing models; null until attached (then every ensemble load fails).</summary>
    public ModelCatalog? Catalog { get; set; }

    public string Platform => EnsemblePlanner.Platform;

    public bool CanServe(ModelConfig config, string versionDirectory) => EnsemblePlanner.IsEnsemble(config);

    public IModelRuntime Load(ModelLoadRequest request)
    {
        var catalog = Catalog ?? throw new ModelLoadException($"ensemble '{request.ModelName}': this server has no model catalog to find composing models in");
        var config = request.Config;
        var signature = ModelSignatureFactory.FromConfig(config);
        var plan = EnsemblePlanner.Plan(config, signature);
        var table = catalog.Table;
        EnsemblePlanner.CheckComposing(plan, signature, step => Resolve(table, step));
        return new EnsembleRuntime(config, plan, new EnsembleScheduler(plan, catalog, _stepRequests));
    }

    private static (ModelVersion? Version, string Reason) Resolve(ModelTable table, EnsembleStep step)
    {
        if (!table.Models.TryGetValue(step.ModelName, out var entry))
        {
            return (null, $"model '{step.ModelName}' is not loaded");
        }

        if (step.ModelVersion < 0)
        {
            return (entry.Latest, entry.Latest is null ? entry.UnavailableReason : "");
        }

        var version = entry.Find(step.ModelVersion);
        return (version?.Loaded, version is null ? $"model '{step.ModelName}' has no version {step.ModelVersion}" : version.Reason);
    }
}
