namespace InferenceServer.Core.Models.Lifecycle;

/// <summary>
/// How a reload's result replaces what served: pure functions of the two entries, so the rule "a failed load
/// never disturbs what is serving" is written once.
/// </summary>
internal static class EntryMerge
{
    /// <summary>
    /// A reload that has something servable (<paramref name="loaded"/> has a ready version) merged with what served:
    /// new versions that loaded replace old ones; a version that failed keeps its old ready instance (if any), with
    /// the failure as its reason; versions no longer selected are dropped. Every old instance not carried over is
    /// returned for retirement. The traffic policy is not merged: whoever publishes attaches one.
    /// </summary>
    public static ModelEntry Merge(ModelEntry? previous, ModelEntry loaded, out List<ModelVersion> retired)
    {
        retired = [];
        if (previous is null)
        {
            return loaded;
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

    /// <summary>The previous entry, still serving under its traffic policy, each ready version saying why it was not replaced.</summary>
    public static ModelEntry KeepServing(ModelEntry previous, string failure) =>
        new(previous.Name, previous.Versions.Select(v => v.Loaded is null ? v : v with { Reason = KeptReason(failure) }).ToArray(), traffic: previous.Traffic);

    private static string KeptReason(string failure) => $"the previous files keep serving: reload failed: {failure}";
}
