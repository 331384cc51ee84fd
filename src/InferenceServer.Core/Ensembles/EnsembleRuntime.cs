using Inference;
using InferenceServer.Core.Models;

namespace InferenceServer.Core.Ensembles;

/// <summary>
/// What <see cref="EnsembleBackend"/> hands over for an ensemble version: no instances of its own (the composing models
/// run on theirs), the checked plan and the scheduler that runs it. <see cref="ModelVersion"/> schedules through
/// <see cref="Scheduler"/> instead of a batcher.
/// </summary>
internal sealed class EnsembleRuntime : IModelRuntime
{
    public EnsembleRuntime(ModelConfig config, EnsemblePlan plan, EnsembleScheduler scheduler)
    {
        Config = config;
        Plan = plan;
        Scheduler = scheduler;
    }

    public ModelConfig Config { get; }

    public IReadOnlyList<IModelInstance> Instances => [];

    public EnsemblePlan Plan { get; }

    public EnsembleScheduler Scheduler { get; }

    /// <summary>What the repository index says of a ready ensemble version: the models it calls.</summary>
    public string IndexNote => $"ensemble of {string.Join(", ", Plan.ComposingModels.Select(m => $"'{m}'"))}";

    // Nothing native to free: the composing models own their sessions.
    public void Dispose()
    {
    }
}
