using System.Collections.Concurrent;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models.Repository;
using InferenceServer.Core.Traffic;
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
            _table = new ModelTable(entries.Select(e => e.Latest is null ? e : WithTrafficFile(e, previous: null)));
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
        if (ModelNames.Check(name) is { IsError: true } invalid)
        {
            return InferenceError.InvalidArgument($"failed to load: {invalid.Message}");
        }

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

            Publish(name, WithTrafficFile(merged, previous?.Traffic));
        }
        finally
        {
            _controlLock.Release();
        }

        RetireInBackground(retired);
        return InferenceError.None;
    }

    /// <summary>
    /// Puts a traffic policy in force for a model (the traffic API): every version it names must be loaded, else
    /// the previous policy stays. <see cref="TrafficPolicy.None"/> removes the policy.
    /// </summary>
    public async Task<InferenceError> SetTrafficAsync(string name, TrafficPolicy policy, string source = "api")
    {
        await _controlLock.WaitAsync().ConfigureAwait(false);
        ModelTraffic? replaced;
        try
        {
            if (!_table.Models.TryGetValue(name, out var entry))
            {
                return InferenceError.NotFound($"cannot set the traffic policy of '{name}': the model is not loaded");
            }

            var error = Validate(entry, policy);
            if (error.IsError)
            {
                return error;
            }

            replaced = entry.Traffic;
            Publish(name, entry.WithTraffic(CreateTraffic(name, policy, source, trippedReason: null)));
        }
        finally
        {
            _controlLock.Release();
        }

        await DisposeTrafficAsync(replaced).ConfigureAwait(false);
        return InferenceError.None;
    }

    /// <summary>Re-reads the model's traffic.json (poll mode, when only that file changed).</summary>
    public async Task ReloadTrafficFileAsync(string name)
    {
        await _controlLock.WaitAsync().ConfigureAwait(false);
        ModelTraffic? replaced = null;
        try
        {
            if (_table.Models.TryGetValue(name, out var entry))
            {
                var updated = WithTrafficFile(entry, entry.Traffic);
                if (!ReferenceEquals(updated.Traffic, entry.Traffic))
                {
                    replaced = entry.Traffic;
                    Publish(name, updated);
                }
            }
        }
        finally
        {
            _controlLock.Release();
        }

        await DisposeTrafficAsync(replaced).ConfigureAwait(false);
    }

    private static InferenceError Validate(ModelEntry entry, TrafficPolicy policy)
    {
        foreach (var version in policy.Versions)
        {
            if (entry.Find(version)?.Loaded is null)
            {
                return InferenceError.InvalidArgument(
                    $"traffic policy for '{entry.Name}' names version {version}, which is not loaded (loaded: {string.Join(", ", entry.ReadyVersions.Select(v => v.Version))})");
            }
        }

        return InferenceError.None;
    }

    private ModelTraffic? CreateTraffic(string name, TrafficPolicy policy, string source, string? trippedReason) =>
        policy.Equals(TrafficPolicy.None) ? null : new ModelTraffic(this, name, policy, source, trippedReason, _loader.Time, OnRollbackTripped);

    // The model's traffic.json, when it exists and is valid for the loaded versions, replaces the policy; a
    // missing file keeps an API policy; a bad file is logged and the previous policy stays.
    private ModelEntry WithTrafficFile(ModelEntry entry, ModelTraffic? previous)
    {
        var path = Path.Combine(_loader.Repository.ModelDirectory(entry.Name), TrafficFileName);
        if (!File.Exists(path))
        {
            return previous?.Source == "file" ? entry : entry.WithTraffic(previous);
        }

        string error;
        try
        {
            _loader.Repository.EnsureInside(path, $"the traffic file of model '{entry.Name}'");
            if (TrafficPolicyJson.TryParse(File.ReadAllBytes(path), out var policy, out error))
            {
                var invalid = Validate(entry, policy);
                if (!invalid.IsError)
                {
                    return entry.WithTraffic(policy.Equals(previous?.Policy) ? previous : CreateTraffic(entry.Name, policy, "file", trippedReason: null));
                }

                error = invalid.Message;
            }
        }
        catch (Exception ex) when (ex is IOException or ModelLoadException)
        {
            error = ex.Message;
        }

        LogTrafficFileRejected(entry.Name, path, error);
        return entry.WithTraffic(previous);
    }

    /// <summary>The traffic policy file beside config.pbtxt.</summary>
    public const string TrafficFileName = "traffic.json";

    // Called on a request thread by the canary's guard: the policy change runs in the background.
    private void OnRollbackTripped(ModelTraffic traffic, RollbackDecision decision)
    {
        LogRollback(traffic.Model, decision.Reason ?? "");
        _ = Task.Run(async () =>
        {
            await _controlLock.WaitAsync().ConfigureAwait(false);
            ModelTraffic? replaced = null;
            try
            {
                if (_table.Models.TryGetValue(traffic.Model, out var entry) && ReferenceEquals(entry.Traffic, traffic))
                {
                    var canary = traffic.Policy.Rollback!.Canary;
                    var weights = traffic.Policy.Weights.Select(w => w.Version == canary ? w with { Weight = 0 } : w);
                    if (TrafficPolicy.TryCreate(weights, traffic.Policy.Shadows, traffic.Policy.Rollback, out var rolledBack, out _))
                    {
                        replaced = traffic;
                        Publish(traffic.Model, entry.WithTraffic(CreateTraffic(traffic.Model, rolledBack, traffic.Source, decision.Reason)));
                    }
                }
            }
            finally
            {
                _controlLock.Release();
            }

            await DisposeTrafficAsync(replaced).ConfigureAwait(false);
        });
    }

    private static async Task DisposeTrafficAsync(ModelTraffic? traffic)
    {
        if (traffic is not null)
        {
            await traffic.DisposeAsync().ConfigureAwait(false);
        }
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
            if (!_table.Models.TryGetValue(name, out var previous))
            {
                return ModelsOnDisk().Contains(name)
                    ? InferenceError.None
                    : InferenceError.NotFound($"failed to unload '{name}': no model '{name}' is loaded or in the repository");
            }

            retired = previous.ReadyVersions.ToList();
            traffic = previous.Traffic;
            Publish(name, new ModelEntry(name, previous.Versions.Select(v => v with { State = ModelState.Unavailable, Reason = "unloaded", Loaded = null }).ToArray()));
        }
        finally
        {
            _controlLock.Release();
        }

        RetireInBackground(retired);
        await DisposeTrafficAsync(traffic).ConfigureAwait(false);
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
            if (_table.Models.TryGetValue(name, out var previous))
            {
                retired.AddRange(previous.ReadyVersions);
                traffic = previous.Traffic;
                Publish(name, null);
                LogModelRemoved(name);
            }
        }
        finally
        {
            _controlLock.Release();
        }

        RetireInBackground(retired);
        await DisposeTrafficAsync(traffic).ConfigureAwait(false);
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
    public InferenceError TryAcquire(ReadOnlySpan<char> name, ReadOnlySpan<char> version, out ModelVersion? acquired) =>
        TryAcquire(name, version, [], out acquired, out _);

    /// <summary>
    /// As <see cref="TryAcquire(ReadOnlySpan{char}, ReadOnlySpan{char}, out ModelVersion?)"/>, routing a request
    /// that names no version by the model's traffic policy (<paramref name="routingKey"/>: sticky routing; empty:
    /// by weight). <paramref name="traffic"/> is the policy the request was routed under (to mirror it to
    /// shadows and feed the rollback guard once it finished).
    /// </summary>
    public InferenceError TryAcquire(ReadOnlySpan<char> name, ReadOnlySpan<char> version, ReadOnlySpan<char> routingKey,
        out ModelVersion? acquired, out ModelTraffic? traffic)
    {
        while (true)
        {
            var error = TryResolve(name, version, routingKey, out acquired, out traffic);
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
    public InferenceError TryResolve(ReadOnlySpan<char> name, ReadOnlySpan<char> version, out ModelVersion? resolved) =>
        TryResolve(name, version, [], out resolved, out _);

    private InferenceError TryResolve(ReadOnlySpan<char> name, ReadOnlySpan<char> version, ReadOnlySpan<char> routingKey,
        out ModelVersion? resolved, out ModelTraffic? traffic)
    {
        resolved = null;
        traffic = null;
        if (!_table.Models.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var entry))
        {
            return InferenceError.NotFound($"Request for unknown model: '{ModelNames.Printable(name)}' is not found");
        }

        if (!VersionString.TryParse(version, out var number))
        {
            return InferenceError.InvalidArgument($"failed to parse model version '{ModelNames.Printable(version)}' for model '{name}': a version is a non-negative integer of at most {VersionString.MaxLength} digits");
        }

        traffic = entry.Traffic;
        if (number < 0)
        {
            // A request that names no version follows the policy; one naming a version bypasses it.
            resolved = traffic?.Route(routingKey) is > 0 and var routed && entry.Find(routed)?.Loaded is { } target ? target : entry.Latest;
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

    /// <summary>
    /// What a request about <paramref name="resolved"/> covers: the version it named or, when it named none, every
    /// ready version of the model (a canary and its primary are reported apart). The table is read once, so a model
    /// swapped out since <see cref="TryResolve(ReadOnlySpan{char}, ReadOnlySpan{char}, out ModelVersion?)"/> answers
    /// with the version found rather than failing.
    /// </summary>
    public IEnumerable<ModelVersion> VersionsOf(string name, string version, ModelVersion resolved) =>
        version.Length > 0 || !_table.Models.TryGetValue(name, out var entry) ? [resolved] : entry.ReadyVersions;

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
            entry.Traffic?.DisposeAsync().AsTask().Wait();
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

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "Model '{Model}': traffic policy {Path} rejected, the previous policy stays: {Reason}")]
    private partial void LogTrafficFileRejected(string model, string path, string reason);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Model '{Model}': rollback guard took the canary out of rotation: {Reason}")]
    private partial void LogRollback(string model, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Model '{Model}' was removed from the repository; it takes no new requests")]
    private partial void LogModelRemoved(string model);
}
