using System.Collections.Concurrent;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models.Repository;
using Microsoft.Extensions.Logging;

namespace InferenceServer.Core.Models;

/// <summary>
/// Owns the published <see cref="ModelTable"/> and resolves requests to model versions.
/// Readers never lock: they read <see cref="Table"/> once per request.
/// </summary>
public sealed partial class ModelManager : IDisposable
{
    private readonly ModelRepositoryLoader _loader;
    private readonly ILogger _logger;
    private readonly Lock _writeLock = new();

    // Loads and unloads run one at a time; readers never wait for them.
    private readonly SemaphoreSlim _controlLock = new(1, 1);
    private volatile ModelTable _table = ModelTable.Empty;
    private readonly List<Task> _retiring = [];

    // What is in motion, for the index: loads in progress, and retired versions still finishing requests.
    private readonly ConcurrentDictionary<string, ModelTransition> _loading = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ModelVersion, byte> _draining = new();
    private readonly ConcurrentDictionary<string, long> _loadFailures = new(StringComparer.Ordinal);

    public ModelManager(ModelRepositoryLoader loader, ILogger<ModelManager> logger)
    {
        _loader = loader;
        _logger = logger;
    }

    /// <summary>Per model, how many loads failed so far (a version that failed, or the whole model), for the metrics.</summary>
    public IReadOnlyDictionary<string, long> LoadFailures => _loadFailures;

    /// <summary>The current snapshot.</summary>
    public ModelTable Table => _table;

    /// <summary>The repository this manager loads from.</summary>
    public ModelRepository Repository => _loader.Repository;

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
        var entries = new ModelEntry[work.Length];
        Parallel.For(0, work.Length, i =>
        {
            var (name, options) = work[i];
            var plan = _loader.Plan(name, options);
            _loading[name] = new ModelTransition(plan.Versions);
            entries[i] = _loader.Load(plan, _ => null);
        });

        foreach (var entry in entries)
        {
            Log(entry, previous: null);
        }

        lock (_writeLock)
        {
            _table = new ModelTable(entries);
        }

        _loading.Clear();
    }

    // Reused versions (unchanged files) were logged when they loaded; only what this load built is logged.
    private void Log(ModelEntry entry, ModelEntry? previous)
    {
        if (entry.FailureReason.Length > 0)
        {
            LogModelFailed(entry.Name, entry.FailureReason);
            _loadFailures.AddOrUpdate(entry.Name, 1, (_, n) => n + 1);
        }

        foreach (var version in entry.Versions)
        {
            if (version.Loaded is not null && ReferenceEquals(previous?.Find(version.Version)?.Loaded, version.Loaded))
            {
                continue;
            }

            if (version.State == ModelState.Ready)
            {
                LogVersionReady(entry.Name, version.Version);
            }
            else
            {
                LogVersionFailed(entry.Name, version.Version, version.Reason);
                _loadFailures.AddOrUpdate(entry.Name, 1, (_, n) => n + 1);
            }
        }
    }

    /// <summary>The repository index: every model on disk or loaded, with loads and drains in progress.</summary>
    public IReadOnlyList<RepositoryIndexEntry> Index(bool readyOnly) =>
        RepositoryIndex.Build(_table, ModelsOnDisk(), _loading, _draining.Keys, readyOnly);

    private IReadOnlyList<string> ModelsOnDisk()
    {
        try
        {
            return _loader.Repository.ListModelNames();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The index still lists what is loaded; the folder's problem is logged by whoever reads it to load.
            return [];
        }
    }

    /// <summary>(Re)loads a model from its folder, or with a config override (the load API).</summary>
    public Task<InferenceError> LoadAsync(string name, global::Inference.ModelConfig? configOverride = null) =>
        LoadAsync(name, configOverride is null ? ModelLoadOptions.Default : new ModelLoadOptions { ConfigOverride = configOverride });

    /// <summary>
    /// (Re)loads a model off to the side and publishes it with one table swap; the versions it replaces
    /// stop taking requests, finish the ones they hold, and are disposed in the background. A version
    /// that fails to load leaves the version that was serving in place, with the failure as its reason.
    /// Returns an error when nothing of the model could be loaded (the previous state, if any, keeps serving).
    /// </summary>
    public async Task<InferenceError> LoadAsync(string name, ModelLoadOptions options)
    {
        await _controlLock.WaitAsync().ConfigureAwait(false);
        List<ModelVersion> retired;
        try
        {
            if (options.ConfigOverride is null && options.VersionsOnDisk is null && !ModelsOnDisk().Contains(name))
            {
                return InferenceError.NotFound($"failed to load '{name}': no model folder '{name}' in the repository");
            }

            _loading[name] = new ModelTransition([]);
            _table.Models.TryGetValue(name, out var previous);
            ModelEntry loaded;
            try
            {
                loaded = await Task.Run(() =>
                {
                    var plan = _loader.Plan(name, options);
                    _loading[name] = new ModelTransition(plan.Versions);
                    return _loader.Load(plan, version => options.UnchangedVersions?.Contains(version) == true ? previous?.Find(version) : null);
                }).ConfigureAwait(false);
            }
            finally
            {
                _loading.TryRemove(name, out _);
            }

            Log(loaded, previous);
            var merged = Merge(previous, loaded, out retired);
            if (merged.Latest is null)
            {
                // Nothing new is servable: what served before keeps serving, and says why it was not replaced.
                Publish(name, previous?.Latest is null ? loaded : KeepServing(previous, loaded.UnavailableReason));
                return InferenceError.InvalidArgument($"failed to load '{name}': {loaded.UnavailableReason}");
            }

            Publish(name, merged);
        }
        finally
        {
            _controlLock.Release();
        }

        RetireInBackground(retired);
        return InferenceError.None;
    }

    /// <summary>Unloads every version of a model: new requests get NOT_FOUND / UNAVAILABLE, held ones finish.</summary>
    public async Task<InferenceError> UnloadAsync(string name)
    {
        await _controlLock.WaitAsync().ConfigureAwait(false);
        List<ModelVersion> retired;
        try
        {
            if (!_table.Models.TryGetValue(name, out var previous))
            {
                return ModelsOnDisk().Contains(name)
                    ? InferenceError.None
                    : InferenceError.NotFound($"failed to unload '{name}': no model '{name}' is loaded or in the repository");
            }

            retired = previous.ReadyVersions.ToList();
            Publish(name, new ModelEntry(name, previous.Versions.Select(v => v with { State = ModelState.Unavailable, Reason = "unloaded", Loaded = null }).ToArray()));
        }
        finally
        {
            _controlLock.Release();
        }

        RetireInBackground(retired);
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
        try
        {
            if (_table.Models.TryGetValue(name, out var previous))
            {
                retired.AddRange(previous.ReadyVersions);
                Publish(name, null);
                LogModelRemoved(name);
            }
        }
        finally
        {
            _controlLock.Release();
        }

        RetireInBackground(retired);
    }

    /// <summary>Completes when every version retired so far has drained and been disposed.</summary>
    public Task RetirementsAsync()
    {
        lock (_retiring)
        {
            return Task.WhenAll(_retiring);
        }
    }

    // New versions that loaded replace old ones; a version that failed keeps its old ready instance (if any),
    // with the failure as its reason; versions no longer selected are dropped. Every old instance not carried
    // over is returned for retirement.
    private static ModelEntry Merge(ModelEntry? previous, ModelEntry loaded, out List<ModelVersion> retired)
    {
        retired = [];
        if (previous is null)
        {
            return loaded;
        }

        if (loaded.FailureReason.Length > 0)
        {
            return previous.Latest is null ? loaded : KeepServing(previous, loaded.FailureReason);
        }

        var versions = new List<ModelVersionEntry>();
        foreach (var fresh in loaded.Versions)
        {
            var old = previous.Find(fresh.Version);
            if (fresh.Loaded is null && old?.Loaded is not null)
            {
                versions.Add(old with { Reason = KeptReason(fresh.Reason) });
                continue;
            }

            versions.Add(fresh);
            if (old?.Loaded is not null && !ReferenceEquals(old.Loaded, fresh.Loaded))
            {
                retired.Add(old.Loaded);
            }
        }

        foreach (var old in previous.Versions)
        {
            if (old.Loaded is not null && loaded.Find(old.Version) is null)
            {
                retired.Add(old.Loaded);
            }
        }

        return new ModelEntry(loaded.Name, versions);
    }

    private static string KeptReason(string failure) => $"the previous files keep serving: reload failed: {failure}";

    private static ModelEntry KeepServing(ModelEntry previous, string failure) =>
        new(previous.Name, previous.Versions.Select(v => v.Loaded is null ? v : v with { Reason = KeptReason(failure) }).ToArray());

    private void Publish(string name, ModelEntry? entry)
    {
        lock (_writeLock)
        {
            _table = _table.With(name, entry);
        }
    }

    private void RetireInBackground(List<ModelVersion> versions)
    {
        lock (_retiring)
        {
            _retiring.RemoveAll(t => t.IsCompleted);
            foreach (var version in versions)
            {
                _draining[version] = 0;
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
            _draining.TryRemove(version, out _);
        }

        // A retired version leaves megabytes of managed garbage (sketches, buffers) that a lightly loaded server
        // would otherwise keep for a long time: one background full collection per retirement keeps RSS flat
        // across reloads (perf/README.md, reload soak) at the cost of a few milliseconds of background work.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false);
    }

    /// <summary>
    /// Resolves the version a request names and holds it (<see cref="ModelVersion.TryAcquire"/>) so it cannot be
    /// disposed while the request uses it; the caller releases it. A version retired between the lookup and the
    /// hold is looked up again, which finds its successor: a swap never fails a request.
    /// </summary>
    public InferenceError TryAcquire(ReadOnlySpan<char> name, ReadOnlySpan<char> version, out ModelVersion? acquired)
    {
        while (true)
        {
            var error = TryResolve(name, version, out acquired);
            if (error.IsError || acquired!.TryAcquire())
            {
                return error;
            }
        }
    }

    /// <summary>
    /// Finds the version a request names. <paramref name="version"/> "" means the highest ready version.
    /// Unknown model or version: NOT_FOUND; known but not ready: UNAVAILABLE; malformed version: INVALID_ARG.
    /// </summary>
    public InferenceError TryResolve(ReadOnlySpan<char> name, ReadOnlySpan<char> version, out ModelVersion? resolved)
    {
        resolved = null;
        if (!_table.Models.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var entry))
        {
            return InferenceError.NotFound($"Request for unknown model: '{name}' is not found");
        }

        if (!VersionString.TryParse(version, out var number))
        {
            return InferenceError.InvalidArgument($"failed to parse model version '{version}' for model '{name}': a version is a non-negative integer");
        }

        if (number < 0)
        {
            resolved = entry.Latest;
            return resolved is not null
                ? InferenceError.None
                : InferenceError.Unavailable($"model '{name}' has no ready version: {entry.UnavailableReason}");
        }

        var versionEntry = entry.Find(number);
        if (versionEntry is null)
        {
            return InferenceError.NotFound($"Request for unknown model: '{name}' version {number} is not found");
        }

        resolved = versionEntry.Loaded;
        return resolved is not null
            ? InferenceError.None
            : InferenceError.Unavailable($"Request for unknown model: '{name}' version {number} is not at ready state: {versionEntry.Reason}");
    }

    public void Dispose()
    {
        ModelTable table;
        lock (_writeLock)
        {
            table = _table;
            _table = ModelTable.Empty;
        }

        foreach (var entry in table.Models.Values)
        {
            foreach (var version in entry.ReadyVersions)
            {
                version.Dispose();
            }
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Model '{Model}' version {Version} is ready")]
    private partial void LogVersionReady(string model, long version);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Model '{Model}' version {Version} failed to load: {Reason}")]
    private partial void LogVersionFailed(string model, long version, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "Model '{Model}' failed to load: {Reason}")]
    private partial void LogModelFailed(string model, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Model '{Model}' was removed from the repository; it takes no new requests")]
    private partial void LogModelRemoved(string model);
}
