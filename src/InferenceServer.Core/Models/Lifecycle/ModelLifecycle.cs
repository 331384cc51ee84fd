using System.Collections.Concurrent;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models.Repository;
using InferenceServer.Core.Traffic;
using Microsoft.Extensions.Logging;

namespace InferenceServer.Core.Models.Lifecycle;

/// <summary>
/// Loads, reloads, unloads and removes models: builds each change off to the side, merges it with what serves,
/// publishes it into the <see cref="ModelCatalog"/> with one swap, then retires what it replaced in the background
/// (drain, dispose). Changes run one at a time, under the control lock shared with <see cref="TrafficControl"/>;
/// requests never wait for them. A failed load never disturbs what is serving.
/// </summary>
public sealed class ModelLifecycle : IDisposable
{
    private readonly ModelRepositoryLoader _loader;
    private readonly ModelCatalog _catalog;
    private readonly ModelTransitions _transitions;
    private readonly TrafficControl _traffic;
    private readonly SemaphoreSlim _controlLock;
    private readonly ILogger _logger;
    private readonly List<Task> _retiring = [];
    private readonly ConcurrentDictionary<string, long> _loadFailures = new(StringComparer.Ordinal);

    internal ModelLifecycle(ModelRepositoryLoader loader, ModelCatalog catalog, ModelTransitions transitions, TrafficControl traffic,
        SemaphoreSlim controlLock, ILogger logger)
    {
        _loader = loader;
        _catalog = catalog;
        _transitions = transitions;
        _traffic = traffic;
        _controlLock = controlLock;
        _logger = logger;
    }

    /// <summary>Per model, how many loads failed so far (a version that failed, or the whole model), for the metrics.</summary>
    public IReadOnlyDictionary<string, long> LoadFailures => _loadFailures;

    /// <summary>Loads every model of the repository (control mode <c>none</c>); failures are recorded, never thrown.</summary>
    public void LoadAll() => LoadAtStartUp(_loader.Repository.ListModelNames().ToDictionary(n => n, _ => ModelLoadOptions.Default));

    /// <summary>
    /// Loads only the named models (explicit control mode at start-up); "*" loads every model. Models on
    /// disk that are not named stay listed in the index without a state.
    /// </summary>
    public void LoadOnly(IReadOnlyCollection<string> names)
    {
        if (names.Contains("*"))
        {
            LoadAll();
            return;
        }

        LoadAtStartUp(names.Distinct().ToDictionary(n => n, _ => ModelLoadOptions.Default));
    }

    /// <summary>
    /// Loads the given models in parallel and publishes the table once, with every entry: session creation is
    /// mostly native work, and start-up time is what an autoscaler waits for. Failures are recorded, never thrown.
    /// </summary>
    public void LoadAtStartUp(IReadOnlyDictionary<string, ModelLoadOptions> models)
    {
        var work = models.ToArray();
        var planned = new ModelLoadPlan[work.Length];
        Parallel.For(0, work.Length, i => planned[i] = _loader.Plan(work[i].Key, work[i].Value));
        var plans = WithComposingModels(planned);

        // Ensembles check their steps against the composing models as published, so they load once those are.
        var direct = plans.Where(p => !ModelRepositoryLoader.IsEnsemble(p)).ToArray();
        var entries = new ModelEntry[direct.Length];
        Parallel.For(0, direct.Length, i =>
        {
            _transitions.Loads(direct[i].ModelName, direct[i].Versions);
            entries[i] = _loader.Load(direct[i], _ => null);
        });

        foreach (var entry in entries)
        {
            Report(entry, previous: null);
        }

        _catalog.Publish(new ModelTable(entries.Select(e => e.Latest is null ? e : _traffic.WithFile(e, previous: null))));
        foreach (var plan in Ensembles.EnsembleOrder.DependenciesFirst(plans.Where(ModelRepositoryLoader.IsEnsemble)))
        {
            _transitions.Loads(plan.ModelName, plan.Versions);
            var entry = _loader.Load(plan, _ => null);
            Report(entry, previous: null);
            _catalog.Publish(plan.ModelName, entry.Latest is null ? entry : _traffic.WithFile(entry, previous: null));
            _transitions.Loaded(plan.ModelName);
        }

        _transitions.LoadedAll();
    }

    // An ensemble named at start-up (explicit mode's --load-model) brings the composing models on disk it calls, as in
    // Triton; with every model loading, there is nothing to add.
    private List<ModelLoadPlan> WithComposingModels(IEnumerable<ModelLoadPlan> planned)
    {
        var plans = planned.ToList();
        var names = plans.Select(p => p.ModelName).ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<string>? onDisk = null;
        for (var i = 0; i < plans.Count; i++)
        {
            if (!ModelRepositoryLoader.IsEnsemble(plans[i]))
            {
                continue;
            }

            foreach (var step in plans[i].Config!.EnsembleScheduling?.Step ?? [])
            {
                onDisk ??= _catalog.ModelsOnDisk();
                if (onDisk.Contains(step.ModelName) && names.Add(step.ModelName))
                {
                    plans.Add(_loader.Plan(step.ModelName, ModelLoadOptions.Default));
                }
            }
        }

        return plans;
    }

    /// <summary>(Re)loads a model from its folder, or with a config override (the load API).</summary>
    public Task<InferenceError> LoadAsync(string name, global::Inference.ModelConfig? configOverride = null) =>
        LoadAsync(name, configOverride is null ? ModelLoadOptions.Default : new ModelLoadOptions { ConfigOverride = configOverride });

    /// <summary>
    /// (Re)loads a model off to the side and publishes it with one table swap; the versions it replaces
    /// stop taking requests, finish the ones they hold, and are disposed in the background. A version
    /// that fails to load leaves the version that was serving in place, with the failure as its reason.
    /// Returns an error when nothing of the model could be loaded (the previous state, if any, keeps serving
    /// under its traffic policy).
    /// </summary>
    public Task<InferenceError> LoadAsync(string name, ModelLoadOptions options) => LoadAsync(name, options, []);

    // An ensemble's composing models that are not ready are loaded first, as Triton does in explicit mode (each with its
    // own folder's config); `loading` guards against ensembles that name each other.
    private async Task<InferenceError> LoadAsync(string name, ModelLoadOptions options, HashSet<string> loading)
    {
        if (ModelNames.Check(name) is { IsError: true } invalid)
        {
            return InferenceError.InvalidArgument($"failed to load: {invalid.Message}");
        }

        if (loading.Add(name))
        {
            foreach (var composing in ComposingModelsToLoad(name, options, loading))
            {
                // A composing model that fails leaves its reason on its own entry; the ensemble's load then names it.
                await LoadAsync(composing, ModelLoadOptions.Default, loading).ConfigureAwait(false);
            }
        }

        await _controlLock.WaitAsync().ConfigureAwait(false);
        List<ModelVersion> retired = [];
        ModelTraffic? replacedTraffic = null;
        InferenceError result;
        try
        {
            if (options.ConfigOverride is null && options.VersionsOnDisk is null && !_catalog.ModelsOnDisk().Contains(name))
            {
                return InferenceError.NotFound($"failed to load '{name}': no model folder '{name}' in the repository");
            }

            _transitions.Loads(name, []);
            _catalog.Table.Models.TryGetValue(name, out var previous);
            ModelEntry loaded;
            try
            {
                loaded = await Task.Run(() =>
                {
                    var plan = _loader.Plan(name, options);
                    _transitions.Loads(name, plan.Versions);
                    return _loader.Load(plan, version => options.UnchangedVersions?.Contains(version) == true ? previous?.Find(version) : null);
                }).ConfigureAwait(false);
            }
            finally
            {
                _transitions.Loaded(name);
            }

            Report(loaded, previous);
            ModelEntry published;
            if (loaded.Latest is null)
            {
                // Nothing new is servable: what served before keeps serving, and says why it was not replaced.
                published = previous?.Latest is null ? loaded : EntryMerge.KeepServing(previous, loaded.UnavailableReason);
                result = InferenceError.InvalidArgument($"failed to load '{name}': {loaded.UnavailableReason}");
            }
            else
            {
                published = _traffic.WithFile(EntryMerge.Merge(previous, loaded, out retired), previous?.Traffic);
                result = InferenceError.None;
            }

            _catalog.Publish(name, published);
            replacedTraffic = ReferenceEquals(previous?.Traffic, published.Traffic) ? null : previous?.Traffic;
        }
        finally
        {
            _controlLock.Release();
        }

        RetireInBackground(retired);
        await TrafficControl.RetireAsync(replacedTraffic).ConfigureAwait(false);
        return result;
    }

    private string[] ComposingModelsToLoad(string name, ModelLoadOptions options, HashSet<string> loading)
    {
        var plan = _loader.Plan(name, options);
        if (!ModelRepositoryLoader.IsEnsemble(plan))
        {
            return [];
        }

        var table = _catalog.Table;
        var onDisk = _catalog.ModelsOnDisk();
        return plan.Config!.EnsembleScheduling?.Step.Select(s => s.ModelName).Distinct(StringComparer.Ordinal)
            .Where(m => !loading.Contains(m) && onDisk.Contains(m) && !(table.Models.TryGetValue(m, out var entry) && entry.Latest is not null))
            .ToArray() ?? [];
    }

    /// <summary>
    /// Unloads every version of a model: new requests get NOT_FOUND / UNAVAILABLE, held ones finish. With
    /// <paramref name="unloadDependents"/> (the unload API's <c>unload_dependents</c>), the ensembles that call the model,
    /// directly or through another ensemble, are unloaded first.
    /// </summary>
    public async Task<InferenceError> UnloadAsync(string name, bool unloadDependents)
    {
        if (unloadDependents && ModelNames.Check(name) is { IsError: false })
        {
            foreach (var dependent in Ensembles.EnsembleOrder.Dependents(_catalog.Table, name))
            {
                await UnloadAsync(dependent).ConfigureAwait(false);
            }
        }

        return await UnloadAsync(name).ConfigureAwait(false);
    }

    /// <summary>Unloads every version of a model: new requests get NOT_FOUND / UNAVAILABLE, held ones finish.</summary>
    public async Task<InferenceError> UnloadAsync(string name)
    {
        if (ModelNames.Check(name) is { IsError: true } invalid)
        {
            return InferenceError.InvalidArgument($"failed to unload: {invalid.Message}");
        }

        await _controlLock.WaitAsync().ConfigureAwait(false);
        List<ModelVersion> retired;
        ModelTraffic? traffic;
        try
        {
            if (!_catalog.Table.Models.TryGetValue(name, out var previous))
            {
                return _catalog.ModelsOnDisk().Contains(name)
                    ? InferenceError.None
                    : InferenceError.NotFound($"failed to unload '{name}': no model '{name}' is loaded or in the repository");
            }

            retired = previous.ReadyVersions.ToList();
            traffic = previous.Traffic;
            _catalog.Publish(name, new ModelEntry(name, previous.Versions.Select(v => v with { State = ModelState.Unavailable, Reason = "unloaded", Loaded = null }).ToArray()));
        }
        finally
        {
            _controlLock.Release();
        }

        RetireInBackground(retired);
        await TrafficControl.RetireAsync(traffic).ConfigureAwait(false);
        return InferenceError.None;
    }

    /// <summary>
    /// Takes a model out of the table altogether (its folder was deleted, in poll mode): requests for it get
    /// NOT_FOUND; the ones it holds finish, then its versions are disposed.
    /// </summary>
    public async Task RemoveAsync(string name)
    {
        await _controlLock.WaitAsync().ConfigureAwait(false);
        List<ModelVersion> retired = [];
        ModelTraffic? traffic = null;
        try
        {
            if (_catalog.Table.Models.TryGetValue(name, out var previous))
            {
                retired.AddRange(previous.ReadyVersions);
                traffic = previous.Traffic;
                _catalog.Publish(name, null);
                Log.ModelRemoved(_logger, name);
            }
        }
        finally
        {
            _controlLock.Release();
        }

        RetireInBackground(retired);
        await TrafficControl.RetireAsync(traffic).ConfigureAwait(false);
    }

    /// <summary>Completes when every version retired so far has drained and been disposed.</summary>
    public Task RetirementsAsync()
    {
        lock (_retiring)
        {
            return Task.WhenAll(_retiring);
        }
    }

    // Reused versions (unchanged files) were logged when they loaded; only what this load built is logged.
    private void Report(ModelEntry entry, ModelEntry? previous)
    {
        if (entry.FailureReason.Length > 0)
        {
            Log.ModelFailed(_logger, entry.Name, entry.FailureReason);
            _loadFailures.AddOrUpdate(entry.Name, 1, (_, n) => n + 1);
        }

        foreach (var version in entry.Versions)
        {
            if (version.KeptByTraffic && previous?.Find(version.Version)?.KeptByTraffic != true)
            {
                Log.VersionKeptByTraffic(_logger, entry.Name, version.Version, version.Reason);
            }

            if (version.Loaded is not null && ReferenceEquals(previous?.Find(version.Version)?.Loaded, version.Loaded))
            {
                continue;
            }

            if (version.State == ModelState.Ready)
            {
                Log.VersionReady(_logger, entry.Name, version.Version);
            }
            else
            {
                Log.VersionFailed(_logger, entry.Name, version.Version, version.Reason);
                _loadFailures.AddOrUpdate(entry.Name, 1, (_, n) => n + 1);
            }
        }
    }

    private void RetireInBackground(List<ModelVersion> versions)
    {
        lock (_retiring)
        {
            _retiring.RemoveAll(t => t.IsCompleted);
            foreach (var version in versions)
            {
                _transitions.Drains(version);
                _retiring.Add(RetireAsync(version));
            }
        }
    }

    private async Task RetireAsync(ModelVersion version)
    {
        try
        {
            await version.RetireAsync().ConfigureAwait(false);
        }
        finally
        {
            _transitions.Drained(version);
        }

        // A retired version leaves megabytes of managed garbage (sketches, buffers) that a lightly loaded server
        // would otherwise keep for a long time: one background full collection per retirement keeps RSS flat
        // across reloads (perf/README.md, reload soak) at the cost of a few milliseconds of background work.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false);
    }

    /// <summary>Empties the catalog and disposes every model it held, with its traffic policy.</summary>
    public void Dispose()
    {
        var table = _catalog.Publish(ModelTable.Empty);
        foreach (var entry in table.Models.Values)
        {
            TrafficControl.RetireAsync(entry.Traffic).Wait();
            foreach (var version in entry.ReadyVersions)
            {
                version.Dispose();
            }
        }
    }
}
