using System.Collections.Concurrent;

namespace InferenceServer.Core.Models.Lifecycle;

/// <summary>
/// What is in motion beside the published table, for the repository index: loads in progress (their versions
/// show LOADING next to the versions still serving), and retired versions still finishing requests (UNLOADING).
/// The lifecycle writes it; the catalog only reads it.
/// </summary>
internal sealed class ModelTransitions
{
    private readonly ConcurrentDictionary<string, ModelTransition> _loading = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ModelVersion, byte> _draining = new();

    public IReadOnlyDictionary<string, ModelTransition> Loading => _loading;

    public IEnumerable<ModelVersion> Draining => _draining.Keys;

    /// <summary>A load of <paramref name="name"/> started, or learned its versions (empty until the config is read).</summary>
    public void Loads(string name, IReadOnlyList<long> versions) => _loading[name] = new ModelTransition(versions);

    public void Loaded(string name) => _loading.TryRemove(name, out _);

    public void LoadedAll() => _loading.Clear();

    public void Drains(ModelVersion version) => _draining[version] = 0;

    public void Drained(ModelVersion version) => _draining.TryRemove(version, out _);
}
