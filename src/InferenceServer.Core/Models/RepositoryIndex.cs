using System.Globalization;

namespace InferenceServer.Core.Models;

/// <summary>
/// Builds the repository index from the published table plus what is in motion: loads in progress show their
/// versions LOADING (next to the versions still serving), retired versions still finishing requests show
/// UNLOADING. A pure function of its inputs, so both front ends report the same rows.
/// </summary>
public static class RepositoryIndex
{
    public static IReadOnlyList<RepositoryIndexEntry> Build(
        ModelTable table,
        IEnumerable<string> modelsOnDisk,
        IReadOnlyDictionary<string, ModelTransition> loading,
        IEnumerable<ModelVersion> draining,
        bool readyOnly)
    {
        var drainingByModel = draining.GroupBy(v => v.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        var names = new SortedSet<string>(modelsOnDisk, StringComparer.Ordinal);
        names.UnionWith(table.Models.Keys);
        names.UnionWith(loading.Keys);
        names.UnionWith(drainingByModel.Keys);

        var rows = new List<RepositoryIndexEntry>();
        foreach (var name in names)
        {
            table.Models.TryGetValue(name, out var entry);
            loading.TryGetValue(name, out var transition);
            drainingByModel.TryGetValue(name, out var drainingVersions);
            AddModel(rows, name, entry, transition, drainingVersions ?? []);
        }

        return readyOnly ? rows.Where(r => r.State == ModelState.Ready).ToArray() : rows;
    }

    private static void AddModel(List<RepositoryIndexEntry> rows, string name, ModelEntry? entry, ModelTransition? loading, ModelVersion[] draining)
    {
        var versions = new SortedDictionary<long, RepositoryIndexEntry>();
        if (entry is not null)
        {
            foreach (var version in entry.Versions)
            {
                versions[version.Version] = new RepositoryIndexEntry(name, version.Version, version.State, version.Reason);
            }
        }

        foreach (var old in draining)
        {
            if (!versions.TryGetValue(old.Version, out var row) || row.State != ModelState.Ready)
            {
                var held = old.InFlightCount;
                versions[old.Version] = new RepositoryIndexEntry(name, old.Version, ModelState.Unloading,
                    $"finishing {held.ToString(CultureInfo.InvariantCulture)} request{(held == 1 ? "" : "s")} in flight");
            }
        }

        foreach (var version in loading?.Versions ?? [])
        {
            if (!versions.TryGetValue(version, out var row) || row.State != ModelState.Ready)
            {
                versions[version] = new RepositoryIndexEntry(name, version, ModelState.Loading, "");
            }
        }

        if (versions.Count > 0)
        {
            rows.AddRange(versions.Values);
        }
        else if (loading is not null)
        {
            rows.Add(new RepositoryIndexEntry(name, null, ModelState.Loading, ""));
        }
        else if (entry is not null)
        {
            rows.Add(new RepositoryIndexEntry(name, null, ModelState.Unavailable, entry.UnavailableReason));
        }
        else
        {
            rows.Add(new RepositoryIndexEntry(name, null, null, ""));
        }
    }
}
