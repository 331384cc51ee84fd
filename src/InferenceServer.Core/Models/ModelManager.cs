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

    public ModelManager(ModelRepositoryLoader loader, ILogger<ModelManager> logger)
    {
        _loader = loader;
        _logger = logger;
    }

    /// <summary>The current snapshot.</summary>
    public ModelTable Table => _table;

    /// <summary>The repository this manager loads from.</summary>
    public ModelRepository Repository => _loader.Repository;

    /// <summary>Loads every model of the repository (control mode <c>none</c>); failures are recorded, never thrown.</summary>
    public void LoadAll() => LoadNames(_loader.Repository.ListModelNames());

    private void Log(ModelEntry entry)
    {
        if (entry.FailureReason.Length > 0)
        {
            LogModelFailed(entry.Name, entry.FailureReason);
        }

        foreach (var version in entry.Versions)
        {
            if (version.State == ModelState.Ready)
            {
                LogVersionReady(entry.Name, version.Version);
            }
            else
            {
                LogVersionFailed(entry.Name, version.Version, version.Reason);
            }
        }
    }

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

        LoadNames(names.ToArray());
    }

    // Models load in parallel: session creation is mostly native work, and start-up time is what an
    // autoscaler waits for. The table is published once, with every entry.
    private void LoadNames(IReadOnlyList<string> names)
    {
        var entries = new ModelEntry[names.Count];
        Parallel.For(0, names.Count, i => entries[i] = _loader.Load(names[i]));
        foreach (var entry in entries)
        {
            Log(entry);
        }

        lock (_writeLock)
        {
            _table = new ModelTable(entries);
        }
    }

    /// <summary>Models in the repository folder that have never been loaded (the index lists them by name only).</summary>
    public IEnumerable<string> NeverLoadedModelNames()
    {
        var table = _table;
        return _loader.Repository.ListModelNames().Where(n => !table.Models.ContainsKey(n)).Order(StringComparer.Ordinal);
    }

    /// <summary>
    /// (Re)loads a model off to the side and publishes it with one table swap; the versions it replaces
    /// stop taking requests, finish the ones they hold, and are disposed in the background. A version
    /// that fails to load leaves the version that was serving in place. Returns an error when nothing of
    /// the model could be loaded (the previous state, if any, keeps serving).
    /// </summary>
    public async Task<InferenceError> LoadAsync(string name, global::Inference.ModelConfig? configOverride = null)
    {
        await _controlLock.WaitAsync().ConfigureAwait(false);
        List<ModelVersion> retired;
        try
        {
            if (configOverride is null && !_loader.Repository.ListModelNames().Contains(name))
            {
                return InferenceError.NotFound($"failed to load '{name}': no model folder '{name}' in the repository");
            }

            var loaded = await Task.Run(() => _loader.Load(name, configOverride)).ConfigureAwait(false);
            Log(loaded);
            _table.Models.TryGetValue(name, out var previous);
            var merged = Merge(previous, loaded, out retired);
            if (merged.Latest is null)
            {
                var reason = loaded.UnavailableReason;
                if (previous?.Latest is null)
                {
                    Publish(name, loaded);
                }

                return InferenceError.InvalidArgument($"failed to load '{name}': {reason}");
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
                return _loader.Repository.ListModelNames().Contains(name)
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

    /// <summary>Completes when every version retired so far has drained and been disposed.</summary>
    public Task RetirementsAsync()
    {
        lock (_retiring)
        {
            return Task.WhenAll(_retiring);
        }
    }

    // New versions that loaded replace old ones; a version that failed keeps its old ready instance (if any);
    // versions no longer selected are dropped. Every old instance not carried over is returned for retirement.
    private static ModelEntry Merge(ModelEntry? previous, ModelEntry loaded, out List<ModelVersion> retired)
    {
        retired = [];
        if (previous is null || loaded.FailureReason.Length > 0)
        {
            if (previous is not null && loaded.FailureReason.Length > 0)
            {
                return previous;
            }

            return loaded;
        }

        var versions = new List<ModelVersionEntry>();
        foreach (var fresh in loaded.Versions)
        {
            var old = previous.Find(fresh.Version);
            if (fresh.Loaded is null && old?.Loaded is not null)
            {
                versions.Add(old);
                continue;
            }

            versions.Add(fresh);
            if (old?.Loaded is not null)
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

    private void Publish(string name, ModelEntry entry)
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
            foreach (var version in versions)
            {
                _retiring.Add(version.RetireAsync());
            }
        }
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
}
