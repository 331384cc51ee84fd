using Inference;
using InferenceServer.Core.Models.Config;
using InferenceServer.Core.Models.WarmUp;
using InferenceServer.Core.Telemetry;
using InferenceServer.Core.Telemetry.Latency;
using InferenceServer.Core.Telemetry.Profiles;

namespace InferenceServer.Core.Models.Repository;

/// <summary>
/// Loads one model of the repository into a <see cref="ModelEntry"/>: reads and checks config.pbtxt (it parses,
/// and asks only for what this server does: <see cref="ModelConfigSupport"/>), applies the version policy and has a
/// backend load each version. Every failure becomes a state with a reason on the entry (the model or that version
/// UNAVAILABLE); nothing here throws for a bad model, so one broken model never stops the others.
/// </summary>
public sealed class ModelRepositoryLoader
{
    private readonly IReadOnlyList<IModelBackend> _backends;
    private readonly Ensembles.EnsembleBackend _ensembles = new();
    private readonly TimeProvider _time;
    private readonly IVersionObserverFactory? _observers;
    private readonly bool _sketches;
    private readonly int _loadRetryCount;

    /// <param name="observers">Makes each loaded version's observer (the metrics exporter); null when telemetry is off.</param>
    /// <param name="sketches">Keep latency sketches and input/output profiles with drift per version.</param>
    /// <param name="loadRetryCount">How many times a version that failed to load is tried again at once (Triton's --model-load-retry-count).</param>
    public ModelRepositoryLoader(ModelRepository repository, IEnumerable<IModelBackend> backends, TimeProvider time, IVersionObserverFactory? observers = null, bool sketches = false,
        int loadRetryCount = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(loadRetryCount);
        _loadRetryCount = loadRetryCount;
        Repository = repository;
        // Ensembles first: no framework backend serves platform "ensemble", and none should be asked.
        _backends = [_ensembles, .. backends];
        _time = time;
        _observers = observers;
        _sketches = sketches;
    }

    public ModelRepository Repository { get; }

    /// <summary>
    /// Whether a model that asks for <c>response_cache</c> gets its files' identity at load
    /// (<see cref="Caching.ResponseCacheIdentity"/>): only when the server has a cache to key.
    /// </summary>
    public bool ResponseCacheIdentities { get; init; }

    /// <summary>Gives ensembles the catalog their composing models are found in (at load and for each step).</summary>
    internal void AttachCatalog(ModelCatalog catalog) => _ensembles.Catalog = catalog;

    /// <summary>Whether the plan loads an ensemble (which needs its composing models published first).</summary>
    internal static bool IsEnsemble(ModelLoadPlan plan) => plan.Config is { } config && Ensembles.EnsemblePlanner.IsEnsemble(config);

    /// <summary>The server's clock.</summary>
    public TimeProvider Time => _time;

    /// <summary>Loads every version the config selects, reading everything from the repository folder.</summary>
    /// <param name="configOverride">A config to use instead of config.pbtxt (the load API's <c>config</c> parameter).</param>
    public ModelEntry Load(string name, ModelConfig? configOverride = null) =>
        Load(Plan(name, new ModelLoadOptions { ConfigOverride = configOverride }), _ => null);

    /// <summary>Reads the config, picks the backend and the versions to load; never throws for a bad model.</summary>
    public ModelLoadPlan Plan(string name, ModelLoadOptions options)
    {
        try
        {
            var config = options.ConfigOverride?.Clone() ?? ReadConfig(name);
            if (options.ConfigOverride is not null && config.Name.Length == 0)
            {
                config.Name = name;
            }
            else if (options.ConfigOverride is not null && config.Name != name)
            {
                throw new ModelLoadException($"the config override names model '{config.Name}', but it is loaded as '{name}'");
            }

            // Before any version is tried: a feature the server cannot honour fails the whole model, whatever the backend.
            ModelConfigSupport.EnsureSupported(config);

            var onDisk = options.VersionsOnDisk ?? Repository.ListVersions(name);
            if (onDisk.Count == 0)
            {
                throw new ModelLoadException($"model '{name}' has no version folder (a folder named with a positive integer, e.g. '1')");
            }

            var selected = VersionPolicy.Select(config.VersionPolicy, onDisk);
            long[] kept = [.. TrafficFileVersions.Read(Repository, name).Where(v => onDisk.Contains(v) && !selected.Contains(v))];
            if (kept.Length > 0)
            {
                selected = [.. selected.Concat(kept).Order()];
            }

            var backend = FindBackend(name, config, Repository.VersionDirectory(name, onDisk[^1]));
            return new ModelLoadPlan(name, config, backend, selected, "") { KeptByTraffic = kept };
        }
        catch (Exception ex) when (ex is ModelLoadException or ConfigParseException or IOException or UnauthorizedAccessException)
        {
            return ModelLoadPlan.Failed(name, ex.Message);
        }
    }

    /// <summary>
    /// Loads and warms up each planned version, or takes it from <paramref name="reuse"/> when that returns an
    /// entry (a version whose files did not change keeps its instance).
    /// </summary>
    public ModelEntry Load(ModelLoadPlan plan, Func<long, ModelVersionEntry?> reuse)
    {
        if (plan.FailureReason.Length > 0)
        {
            return new ModelEntry(plan.ModelName, [], plan.FailureReason);
        }

        var versions = new List<ModelVersionEntry>(plan.Versions.Count);
        foreach (var version in plan.Versions)
        {
            var entry = reuse(version) ?? LoadVersion(plan.ModelName, version, plan.Config!, plan.Backend!);
            if (entry.State == ModelState.Ready && plan.KeptByTraffic.Contains(version))
            {
                entry = entry with { Reason = KeptByTrafficNote(plan.Config!), KeptByTraffic = true };
            }

            versions.Add(entry);
        }

        return new ModelEntry(plan.ModelName, versions);
    }

    /// <summary>What the index and the log say of a version only traffic.json keeps.</summary>
    private static string KeptByTrafficNote(ModelConfig config) =>
        $"kept loaded because {Lifecycle.TrafficControl.FileName} names it; the version policy ({VersionPolicy.Describe(config.VersionPolicy)}) alone would unload it";

    private ModelConfig ReadConfig(string name)
    {
        var path = Repository.ConfigPath(name);
        var config = File.Exists(path) ? ProtoTextParser.ParseModelConfig(File.ReadAllText(path), path) : new ModelConfig();
        if (config.Name.Length == 0)
        {
            config.Name = name;
        }
        else if (config.Name != name)
        {
            throw new ModelLoadException($"{path}: the configured name '{config.Name}' does not match the model folder '{name}'");
        }

        return config;
    }

    private IModelBackend FindBackend(string name, ModelConfig config, string versionDirectory)
    {
        foreach (var backend in _backends)
        {
            if (backend.CanServe(config, versionDirectory))
            {
                return backend;
            }
        }

        var named = config.Backend.Length > 0 ? $"backend '{config.Backend}'" : config.Platform.Length > 0 ? $"platform '{config.Platform}'" : "no backend or platform and no model file it recognises";
        throw new ModelLoadException($"model '{name}': no loaded backend serves {named}; this server serves: {string.Join(", ", _backends.Select(b => b.Platform))}");
    }

    // A reference shipped in the version folder is checked like the rest of the version: a bad one fails the load.
    private VersionProfile CreateProfile(ModelConfig config, ModelSignature signature, string versionDirectory)
    {
        ProfileOptions options;
        try
        {
            options = ProfileOptions.FromConfig(config);
        }
        catch (FormatException ex)
        {
            throw new ModelLoadException($"model '{config.Name}': {ex.Message}");
        }

        var referencePath = Path.Combine(versionDirectory, ProfileOptions.ReferenceFileName);
        ReferenceProfile? reference = null;
        if (File.Exists(referencePath))
        {
            try
            {
                reference = ReferenceProfileFile.Load(Repository.EnsureInside(referencePath, $"{ProfileOptions.ReferenceFileName} of model '{config.Name}'"));
            }
            catch (InvalidDataException ex)
            {
                throw new ModelLoadException(ex.Message);
            }
        }

        try
        {
            return new VersionProfile(signature, options, _time, reference);
        }
        catch (FormatException ex)
        {
            throw new ModelLoadException($"model '{config.Name}': {ex.Message}");
        }
    }

    // A failed version is tried again at once, up to the retry count: a load can fail for a passing reason (a file
    // still being written by a slow copy, a device busy for a moment). The reason says how many attempts it took.
    private ModelVersionEntry LoadVersion(string name, long version, ModelConfig config, IModelBackend backend)
    {
        var entry = LoadVersionOnce(name, version, config, backend);
        var attempts = 1;
        while (entry.State != ModelState.Ready && attempts <= _loadRetryCount && Directory.Exists(Repository.VersionDirectory(name, version)))
        {
            entry = LoadVersionOnce(name, version, config, backend);
            attempts++;
        }

        if (entry.State != ModelState.Ready && attempts > 1)
        {
            entry = entry with { Reason = $"{entry.Reason} (failed {attempts} times; --model-load-retry-count {_loadRetryCount})" };
        }

        return entry;
    }

    private ModelVersionEntry LoadVersionOnce(string name, long version, ModelConfig config, IModelBackend backend)
    {
        var directory = Repository.VersionDirectory(name, version);
        if (!Directory.Exists(directory))
        {
            return new ModelVersionEntry(version, ModelState.Unavailable, $"version {version} of model '{name}' is not in the repository", null);
        }

        IModelRuntime? runtime = null;
        ModelVersion? loaded = null;
        try
        {
            var modelDirectory = Repository.ModelDirectory(name);

            // The files as they are before the backend reads them: a copy landing during the load changes the identity.
            var cacheIdentity = ResponseCacheIdentities && config.ResponseCache?.Enable == true ? Caching.ResponseCacheIdentity.Of(directory, config) : UInt128.Zero;
            runtime = backend.Load(new ModelLoadRequest(name, version, modelDirectory, directory, config.Clone()) { RepositoryRoot = Repository.Root });
            var signature = ModelSignatureFactory.FromConfig(runtime.Config);
            ClassLabels.Attach(runtime.Config, signature, modelDirectory, Repository);
            var profile = _sketches ? CreateProfile(runtime.Config, signature, directory) : null;
            loaded = new ModelVersion(name, version, runtime.Config, signature, runtime, _time, _observers, profile, _sketches ? new LatencySketches(_time) : null)
            {
                CacheIdentity = cacheIdentity,
            };

            // Configured warm-up is part of the model's contract: its failure fails the load, as in Triton.
            // Synthetic data may simply be outside the model's domain, so that failure is only reported.
            var configured = runtime.Config.ModelWarmup.Count > 0;
            var warmUp = loaded.WarmUp(configured ? WarmUpSamples.FromConfig(runtime.Config, signature, modelDirectory) : WarmUpSamples.Synthetic(signature));
            if (warmUp.IsError && configured)
            {
                throw new ModelLoadException(warmUp.Message);
            }

            var note = runtime is Ensembles.EnsembleRuntime ensemble ? ensemble.IndexNote : "";
            return new ModelVersionEntry(version, ModelState.Ready, warmUp.IsError ? $"serving, but the synthetic warm-up failed: {warmUp.Message}" : note, loaded);
        }
        catch (Exception ex)
        {
            if (loaded is not null)
            {
                loaded.Dispose();
            }
            else
            {
                runtime?.Dispose();
            }

            var reason = ex is ModelLoadException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            return new ModelVersionEntry(version, ModelState.Unavailable, reason, null);
        }
    }
}
