using InferenceServer.Core.Telemetry.Drift;
using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>
/// One feature's statistics and its drift from the reference, over the lifetime and the window (null: nothing to
/// compare). <paramref name="Name"/> is the name the config gives the column, else its index.
/// </summary>
public sealed record FeatureDrift(int Index, string Name, RunningMoments Moments, DriftScore? Lifetime, DriftLevel LifetimeLevel, DriftScore? Window, DriftLevel WindowLevel, long WindowCount);

/// <summary>One profiled tensor.</summary>
public sealed record TensorDrift(string Name, string Kind, bool PerColumn, IReadOnlyList<FeatureDrift> Features);

/// <summary>How many features could be scored, and how many of them are at warning or drift level.</summary>
public sealed record DriftSummary(int Features, int Warning, int Drift)
{
    /// <summary>Share of scored features at drift level (0 when none could be scored).</summary>
    public double DriftShare => Features == 0 ? 0 : (double)Drift / Features;

    /// <summary>Share of scored features at warning level or above.</summary>
    public double WarningShare => Features == 0 ? 0 : (double)(Warning + Drift) / Features;
}

/// <summary>A version's drift, computed when asked (the request path only feeds sketches).</summary>
public sealed record DriftReport(
    string? ReferenceSource,
    long ReferenceRequests,
    long Requests,
    ProfileOptions Options,
    IReadOnlyList<TensorDrift> Tensors,
    DriftSummary Lifetime,
    DriftSummary Window)
{
    public static DriftReport Build(VersionProfile profile)
    {
        var reference = profile.Reference;
        var (lifetime, window) = profile.Read();
        var thresholds = profile.Options.Thresholds;
        var tensors = new List<TensorDrift>(profile.Layouts.Count);
        int lifetimeScored = 0, lifetimeWarning = 0, lifetimeDrift = 0, windowScored = 0, windowWarning = 0, windowDrift = 0;
        for (var t = 0; t < profile.Layouts.Count; t++)
        {
            var layout = profile.Layouts[t];
            var features = new FeatureDrift[layout.FeatureCount];
            var names = profile.FeatureNames[t];
            for (var f = 0; f < features.Length; f++)
            {
                var baseline = reference?.Find(layout.Kind, layout.Name, f);
                var lifetimeScore = Score(baseline, lifetime[t][f]);
                var windowScore = Score(baseline, window[t][f]);
                var lifetimeLevel = lifetimeScore is { } l ? thresholds.Classify(l) : DriftLevel.None;
                var windowLevel = windowScore is { } w ? thresholds.Classify(w) : DriftLevel.None;
                Count(lifetimeScore, lifetimeLevel, ref lifetimeScored, ref lifetimeWarning, ref lifetimeDrift);
                Count(windowScore, windowLevel, ref windowScored, ref windowWarning, ref windowDrift);
                features[f] = new FeatureDrift(f, names[f], lifetime[t][f].Moments, lifetimeScore, lifetimeLevel, windowScore, windowLevel, window[t][f].Moments.Count);
            }

            tensors.Add(new TensorDrift(layout.Name, layout.Kind, layout.PerColumn, features));
        }

        return new DriftReport(
            reference?.Source,
            reference?.Requests ?? 0,
            profile.Requests,
            profile.Options,
            tensors,
            new DriftSummary(lifetimeScored, lifetimeWarning, lifetimeDrift),
            new DriftSummary(windowScored, windowWarning, windowDrift));
    }

    // Scored whenever the current side saw any value: a feature whose values are all NaN has no distribution
    // to compare, but its missing-value score is the one that must alert.
    private static DriftScore? Score(ReferenceFeature? baseline, FeatureSketch current) =>
        baseline is not null && current.Moments.Count + current.Moments.NaNCount + current.Moments.InfinityCount > 0
            ? DriftScore.Compute(new DriftComparison(baseline, current.Quantiles, current.Moments))
            : null;

    private static void Count(DriftScore? score, DriftLevel level, ref int scored, ref int warning, ref int drift)
    {
        if (score is null)
        {
            return;
        }

        scored++;
        if (level == DriftLevel.Warning)
        {
            warning++;
        }
        else if (level == DriftLevel.Drift)
        {
            drift++;
        }
    }
}
