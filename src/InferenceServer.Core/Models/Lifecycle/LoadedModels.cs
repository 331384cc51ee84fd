using InferenceServer.Core.Models.Repository;
using Microsoft.Extensions.Logging;

namespace InferenceServer.Core.Models.Lifecycle;

/// <summary>
/// The loaded models, wired once: the <see cref="Catalog"/> requests read, the <see cref="Lifecycle"/> that loads
/// and retires, and the <see cref="Traffic"/> control that puts traffic policies in force. Holds no behaviour of its
/// own beyond building the three and disposing them in order.
/// </summary>
public sealed class LoadedModels : IDisposable
{
    public LoadedModels(ModelRepositoryLoader loader, ILogger<LoadedModels> logger)
    {
        var transitions = new ModelTransitions();

        // Loads and traffic changes both rewrite a model's entry: one lock runs them one at a time.
        var controlLock = new SemaphoreSlim(1, 1);
        Catalog = new ModelCatalog(loader.Repository, transitions);
        loader.AttachCatalog(Catalog);
        Traffic = new TrafficControl(Catalog, loader.Repository, loader.Time, controlLock, logger);
        Lifecycle = new ModelLifecycle(loader, Catalog, transitions, Traffic, controlLock, logger);
    }

    /// <summary>The published snapshot and what requests read of it.</summary>
    public ModelCatalog Catalog { get; }

    /// <summary>Loads, reloads, unloads and retirements.</summary>
    public ModelLifecycle Lifecycle { get; }

    /// <summary>Traffic policies: the traffic API, traffic.json, rollbacks.</summary>
    public TrafficControl Traffic { get; }

    /// <summary>Stops taking rollbacks, then disposes every loaded model.</summary>
    public void Dispose()
    {
        Traffic.DisposeAsync().AsTask().Wait();
        Lifecycle.Dispose();
    }
}
