using System.Collections.Frozen;

namespace InferenceServer.Core.Models;

/// <summary>
/// The immutable snapshot of everything loaded: model name → entry. Requests read it without locks;
/// a change builds a new table and publishes it with one volatile write (<see cref="ModelCatalog"/>).
/// </summary>
public sealed class ModelTable
{
    public static readonly ModelTable Empty = new([]);

    public ModelTable(IEnumerable<ModelEntry> entries)
    {
        Models = entries.ToFrozenDictionary(e => e.Name, StringComparer.Ordinal);
        AllReady = Models.Values.All(m => m.AllReady);
    }

    public FrozenDictionary<string, ModelEntry> Models { get; }

    /// <summary>Every model and version known is ready (what strict readiness requires).</summary>
    public bool AllReady { get; }

    /// <summary>A copy with one model's entry replaced (or removed when <paramref name="entry"/> is null).</summary>
    public ModelTable With(string name, ModelEntry? entry)
    {
        var entries = Models.Values.Where(e => e.Name != name);
        return new ModelTable(entry is null ? entries : entries.Append(entry));
    }
}
