using System.Text.Json;
using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>
/// The reference file a version folder may ship (<c>&lt;version&gt;/drift_reference.json</c>), made by
/// <c>inference-server drift-reference</c> from sample requests:
/// <code>
/// { "format": "inference-server/drift-reference/v1", "requests": 5000,
///   "tensors": [ { "name": "INPUT0", "kind": "input",
///                  "features": [ { "count": 5000, "nan_count": 0, "inf_count": 0, "mean": 0.1, "std_dev": 1.0, "min": -3.2, "max": 3.9,
///                                  "sketch": { "k": 200, "count": 5000, "min": -3.2, "max": 3.9, "levels": [[…], …] },
///                                  "categories": { "counters": 100, "total": 5000, "text": false, "items": [{ "value": "3", "count": 2710 }, …] } } ] } ] }
/// </code>
/// Features are columns of a <c>[batch, F]</c> tensor in order, or one feature for the whole tensor; the sketch
/// is a KLL sketch (items of level h weigh 2^h) of the finite values. Drift uses the sketch, the standard deviation
/// (the unit of the Wasserstein distance) and the NaN/infinity counts (the missing-value baseline); the other
/// moments are informational. <c>categories</c> (integer, boolean and text features only) holds the frequent-items
/// counts categorical drift is measured against (<see cref="FrequentItemsSnapshot"/>); a text feature's moments are
/// of its strings' lengths.
/// </summary>
public sealed record ReferenceProfileFile
{
    public const string CurrentFormat = "inference-server/drift-reference/v1";

    public string Format { get; init; } = CurrentFormat;

    public long Requests { get; init; }

    public List<ReferenceTensorFile> Tensors { get; init; } = [];

    /// <summary>Reads and checks a reference file.</summary>
    /// <exception cref="InvalidDataException">Not a reference file of a known format, with the reason.</exception>
    public static ReferenceProfile Load(string path)
    {
        ReferenceProfileFile? file;
        try
        {
            using var stream = File.OpenRead(path);
            file = JsonSerializer.Deserialize(stream, ProfileJsonContext.Default.ReferenceProfileFile);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not valid JSON: {ex.Message}", ex);
        }

        if (file is null || file.Format != CurrentFormat)
        {
            throw new InvalidDataException($"{path}: format must be '{CurrentFormat}', got '{file?.Format}'");
        }

        var tensors = new Dictionary<(string, string), ReferenceFeature[]>();
        var names = new Dictionary<(string, string), string[]>();
        foreach (var tensor in file.Tensors)
        {
            if (tensor.Kind is not ("input" or "output") || tensor.Name.Length == 0)
            {
                throw new InvalidDataException($"{path}: tensor '{tensor.Name}' needs a name and kind 'input' or 'output'");
            }

            if (tensor.FeatureNames is { } featureNames)
            {
                if (featureNames.Count != tensor.Features.Count || featureNames.Any(n => n.Length == 0) || featureNames.Distinct(StringComparer.Ordinal).Count() != featureNames.Count)
                {
                    throw new InvalidDataException($"{path}: tensor '{tensor.Name}' needs one distinct, non-empty feature name per feature");
                }

                names[(tensor.Kind, tensor.Name)] = [.. featureNames];
            }

            try
            {
                tensors[(tensor.Kind, tensor.Name)] = tensor.Features.Select(f => ReferenceFeature.Create(KllSketch.FromSnapshot(f.Sketch), f.StdDev, CheckedInvalid(f), f.Count) with
                {
                    Categories = f.Categories is { } categories ? FrequentItems.FromSnapshot(categories) : null,
                }).ToArray();
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"{path}: tensor '{tensor.Name}' has an invalid sketch: {ex.Message}", ex);
            }
        }

        return new ReferenceProfile("file", file.Requests, tensors) { FeatureNames = names };
    }

    /// <summary>The file for sketches built from <paramref name="requests"/> requests.</summary>
    public static ReferenceProfileFile From(long requests, IReadOnlyList<(string Name, string Kind, FeatureSketch[] Features)> tensors, IReadOnlyList<string>? featureNames = null) => new()
    {
        Requests = requests,
        Tensors = tensors.Select(t => new ReferenceTensorFile
        {
            Name = t.Name,
            Kind = t.Kind,
            FeatureNames = featureNames is null || tensors.Count != 1 ? null : [.. featureNames],
            Features = t.Features.Select(f => new ReferenceFeatureFile
            {
                Count = f.Moments.Count,
                NanCount = f.Moments.NaNCount,
                InfCount = f.Moments.InfinityCount,
                Mean = Finite(f.Moments.Mean),
                StdDev = Finite(f.Moments.StandardDeviation),
                Min = Finite(f.Moments.Min),
                Max = Finite(f.Moments.Max),
                Sketch = f.Quantiles.ToSnapshot(),
                Categories = f.Categories?.ToSnapshot(),
            }).ToList(),
        }).ToList(),
    };

    public void Save(string path)
    {
        using var stream = File.Create(path);
        JsonSerializer.Serialize(stream, this, ProfileJsonContext.Default.ReferenceProfileFile);
    }

    private static long CheckedInvalid(ReferenceFeatureFile feature) =>
        feature.NanCount >= 0 && feature.InfCount >= 0 && feature.StdDev >= 0
            ? feature.NanCount + feature.InfCount
            : throw new ArgumentException("nan_count, inf_count and std_dev cannot be negative");

    // JSON has no NaN: a feature that saw no finite value writes 0.
    private static double Finite(double value) => double.IsFinite(value) ? value : 0;
}
