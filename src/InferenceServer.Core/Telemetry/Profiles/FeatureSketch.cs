using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>
/// One feature's distribution: exact moments (count, NaN/Inf, min, max, mean, variance) and a KLL quantile sketch.
/// The KLL sketch (about 9 KB) is made on the first finite value, so stripes and window buckets that see no
/// traffic cost a few bytes per feature.
/// </summary>
public sealed class FeatureSketch
{
    private static readonly KllSketch Empty = new();
    private KllSketch? _quantiles;

    public RunningMoments Moments;

    /// <summary>The quantile sketch (an empty shared one until a finite value arrives: read it, never write it).</summary>
    public KllSketch Quantiles => _quantiles ?? Empty;

    public void Add(double value)
    {
        Moments.Add(value);
        if (double.IsFinite(value))
        {
            (_quantiles ??= new KllSketch()).Add(value);
        }
    }

    public void Merge(FeatureSketch other)
    {
        Moments.Merge(in other.Moments);
        if (other._quantiles is { IsEmpty: false } quantiles)
        {
            (_quantiles ??= new KllSketch()).Merge(quantiles);
        }
    }

    public void Clear()
    {
        Moments.Clear();
        _quantiles?.Clear();
    }
}
