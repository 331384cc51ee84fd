using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>One feature's distribution: exact moments (count, NaN/Inf, min, max, mean, variance) and a KLL quantile sketch.</summary>
public sealed class FeatureSketch
{
    public RunningMoments Moments;

    public KllSketch Quantiles { get; } = new();

    public void Add(double value)
    {
        Moments.Add(value);
        if (double.IsFinite(value))
        {
            Quantiles.Add(value);
        }
    }

    public void Merge(FeatureSketch other)
    {
        Moments.Merge(in other.Moments);
        Quantiles.Merge(other.Quantiles);
    }

    public void Clear()
    {
        Moments.Clear();
        Quantiles.Clear();
    }
}
