using InferenceServer.Core.Telemetry.Drift;
using InferenceServer.Core.Traffic;

namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>
/// Prediction drift of a canary against its primary: each output feature of the canary scored with every drift
/// statistic, the primary's sketch of the same feature standing as the reference, over the lifetime and the window.
/// "Does the new version answer the same traffic as the old one does?", on the server's own numbers, with the
/// thresholds that judge drift from a reference (the canary's).
/// </summary>
/// <remarks>
/// The primary's side is built from its merged sketches at each read (as a frozen reference is built once), so a
/// comparison costs a copy of the primary's output sketches; it is made only when <c>GET …/drift</c> asks.
/// </remarks>
public static class PrimaryComparison
{
    /// <summary>
    /// The version a canary is compared with: of the versions with a weight above 0, the rollback guard's canary
    /// excepted, the one with the largest weight (the lowest version on a tie). Null without a canary.
    /// </summary>
    public static long? PrimaryOf(TrafficPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        long? primary = null;
        var weight = 0;
        foreach (var candidate in policy.Weights)
        {
            if (candidate.Weight > weight && candidate.Version != policy.Rollback?.Canary)
            {
                (primary, weight) = (candidate.Version, candidate.Weight);
            }
        }

        return primary;
    }

    /// <summary>The canary's outputs that the primary also has (same name and features), each feature scored against the primary's.</summary>
    public static IReadOnlyList<TensorDrift> Build(VersionProfile canary, VersionProfile primary)
    {
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(primary);
        var (canaryLifetime, canaryWindow) = canary.Read();
        var (primaryLifetime, primaryWindow) = primary.Read();
        var thresholds = canary.Options.Thresholds;
        var tensors = new List<TensorDrift>();
        for (var t = 0; t < canary.Layouts.Count; t++)
        {
            var layout = canary.Layouts[t];
            var p = IndexOfOutput(primary, layout);
            if (layout.IsInput || p < 0)
            {
                continue;
            }

            var features = new FeatureDrift[layout.FeatureCount];
            for (var f = 0; f < features.Length; f++)
            {
                var (lifetime, lifetimeLevel) = Score(layout, primaryLifetime[p][f], canaryLifetime[t][f], canary.Options.CategoricalMaxDistinct, thresholds);
                var (window, windowLevel) = Score(layout, primaryWindow[p][f], canaryWindow[t][f], canary.Options.CategoricalMaxDistinct, thresholds);
                features[f] = new FeatureDrift(f, canary.FeatureNames[t][f], canaryLifetime[t][f].Moments, lifetime, lifetimeLevel, window, windowLevel, canaryWindow[t][f].Moments.Count);
            }

            tensors.Add(new TensorDrift(layout.Name, layout.Kind, layout.PerColumn, features));
        }

        return tensors;
    }

    private static int IndexOfOutput(VersionProfile profile, TensorLayout layout)
    {
        for (var i = 0; i < profile.Layouts.Count; i++)
        {
            var candidate = profile.Layouts[i];
            if (!candidate.IsInput && candidate.Name == layout.Name && candidate.FeatureCount == layout.FeatureCount && candidate.DataType == layout.DataType)
            {
                return i;
            }
        }

        return -1;
    }

    // Null when either side saw nothing: no comparison to make.
    private static (DriftScore? Score, DriftLevel Level) Score(TensorLayout layout, FeatureSketch primary, FeatureSketch canary, int maxDistinct, DriftThresholds thresholds)
    {
        static long Values(FeatureSketch s) => s.Moments.Count + s.Moments.NaNCount + s.Moments.InfinityCount;
        if (Values(primary) == 0 || Values(canary) == 0)
        {
            return (null, DriftLevel.None);
        }

        var reference = ReferenceFeature.From(primary);
        var categorical = CategoricalFeatures.IsCategorical(layout, reference, maxDistinct);
        var score = DriftScore.Compute(new DriftComparison(reference, canary.Quantiles, canary.Moments, categorical ? canary.Categories : null));
        return (score, thresholds.Classify(score));
    }
}
