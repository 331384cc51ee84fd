namespace InferenceServer.Core.Models;

/// <summary>
/// One model of the repository table: its versions (ascending) and, when the model failed before any
/// version could be tried (an unreadable config, no version folder), the reason.
/// </summary>
public sealed class ModelEntry
{
    public ModelEntry(string name, IReadOnlyList<ModelVersionEntry> versions, string failureReason = "", Traffic.ModelTraffic? traffic = null)
    {
        Name = name;
        Traffic = traffic;
        Versions = versions.OrderBy(v => v.Version).ToArray();
        FailureReason = failureReason;
        Latest = Versions.LastOrDefault(v => v.State == ModelState.Ready)?.Loaded;
    }

    public string Name { get; }

    /// <summary>The traffic policy in force (canary routing, shadows, rollback guard); null without one.</summary>
    public Traffic.ModelTraffic? Traffic { get; }

    /// <summary>The same entry under another traffic policy.</summary>
    public ModelEntry WithTraffic(Traffic.ModelTraffic? traffic) => new(Name, Versions, FailureReason, traffic);

    public IReadOnlyList<ModelVersionEntry> Versions { get; }

    /// <summary>Why the model as a whole is unavailable ("" when it is not).</summary>
    public string FailureReason { get; }

    /// <summary>The highest-numbered ready version: the one requests without a version get.</summary>
    public ModelVersion? Latest { get; }

    /// <summary>Every version that is ready, ascending.</summary>
    public IEnumerable<ModelVersion> ReadyVersions => Versions.Where(v => v.Loaded is not null).Select(v => v.Loaded!);

    /// <summary>The entry of <paramref name="version"/>, or null. On the request path: indexes, so no enumerator is allocated.</summary>
    public ModelVersionEntry? Find(long version)
    {
        var versions = Versions;
        for (var i = 0; i < versions.Count; i++)
        {
            if (versions[i].Version == version)
            {
                return versions[i];
            }
        }

        return null;
    }

    /// <summary>True when every version the repository knows is ready (strict readiness).</summary>
    public bool AllReady => FailureReason.Length == 0 && Versions.All(v => v.State == ModelState.Ready || v.Reason == "unloaded");

    /// <summary>A short reason for the model not being servable.</summary>
    public string UnavailableReason =>
        FailureReason.Length > 0 ? FailureReason : Versions.FirstOrDefault(v => v.State != ModelState.Ready)?.Reason ?? "no version is ready";
}
