using InferenceServer.Core.Telemetry.Drift;
using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>
/// What a version's inputs and outputs looked like when it was validated: per tensor and feature, a KLL sketch
/// (and the decile bins cut from it) that drift is measured against. Immutable once built.
/// </summary>
public sealed class ReferenceProfile
{
    public ReferenceProfile(string source, long requests, IReadOnlyDictionary<(string Kind, string Tensor), ReferenceFeature[]> tensors)
    {
        Source = source;
        Requests = requests;
        Tensors = tensors;
    }

    /// <summary>"file" (shipped with the version) or "first_requests" (frozen from live traffic).</summary>
    public string Source { get; }

    /// <summary>Requests (or sample rows' requests) the reference was built from.</summary>
    public long Requests { get; }

    public IReadOnlyDictionary<(string Kind, string Tensor), ReferenceFeature[]> Tensors { get; }

    /// <summary>Column names a reference file gives a tensor's features (a CSV header), by kind and tensor.</summary>
    public IReadOnlyDictionary<(string Kind, string Tensor), string[]> FeatureNames { get; init; } = new Dictionary<(string, string), string[]>();

    public ReferenceFeature? Find(string kind, string tensor, int feature) =>
        Tensors.TryGetValue((kind, tensor), out var features) && feature < features.Length ? features[feature] : null;
}

/// <summary>
/// One feature of a reference: its sketch and the decile bins cut from it (null bins when it saw no finite value),
/// its standard deviation (what Wasserstein distances are measured in) and its share of NaN/±infinity values; for an
/// integer, boolean or text feature its category counts too.
/// </summary>
public sealed record ReferenceFeature(KllSketch Sketch, QuantileBins? Bins, double StandardDeviation, double InvalidShare)
{
    /// <summary>The category counts (integer, boolean and text features); null for a floating-point feature or an older file.</summary>
    public FrequentItems? Categories { get; init; }

    /// <summary>The unit of normalised distances: the standard deviation, or 1 for a constant (or empty) feature.</summary>
    public double Scale => StandardDeviation > 0 && double.IsFinite(StandardDeviation) ? StandardDeviation : 1;

    public static ReferenceFeature From(FeatureSketch sketch) =>
        Create(sketch.Quantiles.Copy(), sketch.Moments.StandardDeviation, sketch.Moments.NaNCount + sketch.Moments.InfinityCount, sketch.Moments.Count) with
        {
            Categories = sketch.Categories?.Copy(),
        };

    /// <summary>
    /// Takes ownership of <paramref name="sketch"/>. Its sorted view is built here, once: drift reads then only
    /// read it, so concurrent scrapes and drift requests can share the reference without a lock.
    /// </summary>
    /// <param name="invalidCount">Values that were NaN or ±infinity (or empty strings), beside the valid ones.</param>
    /// <param name="validCount">
    /// The valid values, when not the sketch's count: a text feature's non-empty strings, which have no quantiles.
    /// </param>
    public static ReferenceFeature Create(KllSketch sketch, double standardDeviation, long invalidCount, long? validCount = null)
    {
        ArgumentNullException.ThrowIfNull(sketch);
        sketch.Rank(0);
        var total = Math.Max(sketch.Count, validCount ?? 0) + invalidCount;
        return new(sketch, sketch.IsEmpty ? null : QuantileBins.FromReference(sketch), standardDeviation, total == 0 ? 0 : (double)invalidCount / total);
    }
}
