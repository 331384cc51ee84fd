using InferenceServer.Core.Inference;
using InferenceServer.Core.Models.Lifecycle;
using InferenceServer.Core.Models.Repository;
using InferenceServer.Core.Traffic;

namespace InferenceServer.Core.Models;

/// <summary>
/// Reads the published <see cref="ModelTable"/>: resolves and holds the version a request names, and answers
/// what is loaded. Readers never lock: they read <see cref="Table"/> once per request. Only the lifecycle and the
/// traffic control publish, one at a time, each change one volatile write.
/// </summary>
public sealed class ModelCatalog : ILoadedVersions
{
    private readonly ModelRepository _repository;
    private readonly ModelTransitions _transitions;
    private readonly Lock _writeLock = new();
    private volatile ModelTable _table = ModelTable.Empty;

    internal ModelCatalog(ModelRepository repository, ModelTransitions transitions)
    {
        _repository = repository;
        _transitions = transitions;
    }

    /// <summary>The current snapshot.</summary>
    public ModelTable Table => _table;

    /// <summary>
    /// Resolves the version a request names and holds it (<see cref="ModelVersion.TryAcquire"/>) so it cannot be
    /// disposed while the request uses it; the caller releases it. A version retired between the lookup and the
    /// hold is looked up again, which finds its successor: a swap never fails a request. A request that names no
    /// version is routed by the model's traffic policy (<paramref name="routingKey"/>: sticky routing; empty: by
    /// weight). <paramref name="traffic"/> is the policy the request was routed under (to mirror it to shadows and
    /// feed the rollback guard once it finished).
    /// </summary>
    public InferenceError TryAcquire(ReadOnlySpan<char> name, ReadOnlySpan<char> version, ReadOnlySpan<char> routingKey,
        out ModelVersion? model, out ModelTraffic? traffic) =>
        TryAcquire(name, version, routingKey, default(NoRoutingKeySource), out model, out traffic);

    /// <summary>
    /// As <see cref="TryAcquire(ReadOnlySpan{char}, ReadOnlySpan{char}, ReadOnlySpan{char}, out ModelVersion?, out ModelTraffic?)"/>,
    /// with the table read once: when the head carries no <paramref name="routingKey"/> and the model's policy has a
    /// canary, <paramref name="keys"/> is asked for the key the message carries (a body parameter).
    /// </summary>
    public InferenceError TryAcquire<TKeys>(ReadOnlySpan<char> name, ReadOnlySpan<char> version, ReadOnlySpan<char> routingKey, TKeys keys,
        out ModelVersion? model, out ModelTraffic? traffic)
        where TKeys : IRoutingKeySource
    {
        while (true)
        {
            var error = TryResolve(name, version, routingKey, keys, out model, out traffic);
            if (error.IsError || model!.TryAcquire())
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
        TryResolve(name, version, [], default(NoRoutingKeySource), out resolved, out _);

    private InferenceError TryResolve<TKeys>(ReadOnlySpan<char> name, ReadOnlySpan<char> version, ReadOnlySpan<char> routingKey, TKeys keys,
        out ModelVersion? resolved, out ModelTraffic? traffic)
        where TKeys : IRoutingKeySource
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
            // A request that names no version follows the policy; one naming a version bypasses it. Only a canary makes
            // the key matter, so only then is the message searched for one.
            if (routingKey.IsEmpty && traffic?.Policy.HasCanary == true)
            {
                routingKey = keys.FindRoutingKey();
            }

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

    /// <inheritdoc/>
    public ModelVersion? Find(string model, long version) =>
        _table.Models.TryGetValue(model, out var entry) ? entry.Find(version)?.Loaded : null;

    /// <summary>
    /// What a request about <paramref name="resolved"/> covers: the version it named or, when it named none, every
    /// ready version of the model (a canary and its primary are reported apart). The table is read once, so a model
    /// swapped out since <see cref="TryResolve(ReadOnlySpan{char}, ReadOnlySpan{char}, out ModelVersion?)"/> answers
    /// with the version found rather than failing.
    /// </summary>
    public IEnumerable<ModelVersion> VersionsOf(string name, string version, ModelVersion resolved) =>
        version.Length > 0 || !_table.Models.TryGetValue(name, out var entry) ? [resolved] : entry.ReadyVersions;

    /// <summary>The repository index: every model on disk or loaded, with loads and drains in progress.</summary>
    public IReadOnlyList<RepositoryIndexEntry> Index(bool readyOnly) =>
        RepositoryIndex.Build(_table, ModelsOnDisk(), _transitions.Loading, _transitions.Draining, readyOnly);

    /// <summary>The model folders of the repository; empty when it cannot be read.</summary>
    internal IReadOnlyList<string> ModelsOnDisk()
    {
        try
        {
            return _repository.ListModelNames();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The index still lists what is loaded; the folder's problem is logged by whoever reads it to load.
            return [];
        }
    }

    /// <summary>Replaces one model's entry (removes it when <paramref name="entry"/> is null).</summary>
    internal void Publish(string name, ModelEntry? entry)
    {
        lock (_writeLock)
        {
            _table = _table.With(name, entry);
        }
    }

    /// <summary>Replaces the whole table; returns the one it replaced.</summary>
    internal ModelTable Publish(ModelTable table)
    {
        lock (_writeLock)
        {
            var previous = _table;
            _table = table;
            return previous;
        }
    }
}
