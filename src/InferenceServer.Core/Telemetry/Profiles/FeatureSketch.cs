using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>
/// One feature's distribution: exact moments (count, NaN/Inf, min, max, mean, variance), a KLL quantile sketch of a
/// numeric feature and a frequent-items sketch of the categories of an integer, boolean or text feature. Each sketch
/// (KLL about 9 KB, categories about 4 KB) is made on its first value, so stripes and window buckets that see no
/// traffic cost a few bytes per feature.
/// </summary>
/// <remarks>
/// A text (BYTES) feature has no quantiles: its moments are of the strings' lengths in bytes, and an empty string is
/// counted as missing (with NaN), not as a category.
/// </remarks>
public sealed class FeatureSketch
{
    private static readonly KllSketch Empty = new();
    private KllSketch? _quantiles;
    private FrequentItems? _categories;

    public RunningMoments Moments;

    /// <summary>The quantile sketch (an empty shared one until a finite value arrives: read it, never write it).</summary>
    public KllSketch Quantiles => _quantiles ?? Empty;

    /// <summary>The category counts; null until an integer, boolean or text value arrives.</summary>
    public FrequentItems? Categories => _categories;

    public void Add(double value)
    {
        Moments.Add(value);
        if (double.IsFinite(value))
        {
            (_quantiles ??= new KllSketch()).Add(value);
        }
    }

    /// <summary>Adds an integer or boolean value: to the moments and quantiles, and as a category.</summary>
    public void AddInteger(long value)
    {
        Add(value);
        (_categories ??= new FrequentItems()).Add(value);
    }

    /// <summary>Adds a text value (UTF-8): its length to the moments and the text as a category; empty is missing.</summary>
    public void AddText(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            Moments.Add(double.NaN);
            return;
        }

        Moments.Add(utf8.Length);
        (_categories ??= new FrequentItems()).AddText(utf8);
    }

    public void Merge(FeatureSketch other)
    {
        Moments.Merge(in other.Moments);
        if (other._quantiles is { IsEmpty: false } quantiles)
        {
            (_quantiles ??= new KllSketch()).Merge(quantiles);
        }

        if (other._categories is { IsEmpty: false } categories)
        {
            (_categories ??= new FrequentItems()).Merge(categories);
        }
    }

    public void Clear()
    {
        Moments.Clear();
        _quantiles?.Clear();
        _categories?.Clear();
    }
}
