using InferenceServer.Core.Telemetry.Drift;
using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>
/// One feature's statistics and its drift from the reference, over the lifetime and the window (null: nothing to
/// compare). <paramref name="Name"/> is the name the config gives the column, else its index.
/// </summary>
public sealed record FeatureDrift(int Index, string Name, RunningMoments Moments, DriftScore? Lifetime, DriftLevel LifetimeLevel, DriftScore? Window, DriftLevel WindowLevel, long WindowCount)
{
    /// <summary>The quantiles reported per feature (for a regression output, its prediction distribution).</summary>
    public static readonly double[] ReportedQuantiles = [0.1, 0.5, 0.9];

    /// <summary><see cref="ReportedQuantiles"/> of the lifetime's finite values (NaN: none).</summary>
    public IReadOnlyList<double> LifetimeQuantiles { get; init; } = [];

    /// <summary><see cref="ReportedQuantiles"/> of the window's finite values (NaN: none).</summary>
    public IReadOnlyList<double> WindowQuantiles { get; init; } = [];

    /// <summary>Judged by category shares (<see cref="CategoricalFeatures"/>) rather than quantiles.</summary>
    public bool Categorical { get; init; }

    /// <summary>A categorical feature's most frequent categories, reference first, with each side's share; empty otherwise.</summary>
    public IReadOnlyList<CategoryShare> Categories { get; init; } = [];
}

/// <summary>One category's share of the reference, the lifetime and the window (0: not held there).</summary>
public sealed record CategoryShare(string Value, double Reference, double Lifetime, double Window)
{
    /// <summary>Categories listed per feature in <c>GET …/drift</c>: the reference's most frequent, then new ones.</summary>
    public const int Reported = 20;

    public static CategoryShare[] Of(FrequentItems reference, FrequentItems? lifetime, FrequentItems? window)
    {
        var keys = reference.Counts.OrderByDescending(c => c.Value).Select(c => c.Key).Take(Reported).ToList();
        if (window is not null)
        {
            keys.AddRange(window.Counts.Where(c => !reference.Contains(c.Key)).OrderByDescending(c => c.Value).Select(c => c.Key).Take(Reported - keys.Count));
        }

        return keys.Select(k => new CategoryShare(
            reference.Contains(k) ? reference.Label(k) : window!.Label(k),
            Share(reference, k),
            Share(lifetime, k),
            Share(window, k))).ToArray();
    }

    private static double Share(FrequentItems? items, long key) => items is null || items.IsEmpty ? 0 : (double)items.Count(key) / items.Total;
}

/// <summary>
/// One profiled tensor. For a class-score output (<see cref="PredictedClasses"/>) the share of rows predicting each
/// class over the lifetime and the window (empty: none counted); null for other tensors.
/// </summary>
public sealed record TensorDrift(string Name, string Kind, bool PerColumn, IReadOnlyList<FeatureDrift> Features)
{
    public IReadOnlyList<double>? LifetimeClassShares { get; init; }

    public IReadOnlyList<double>? WindowClassShares { get; init; }
}

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
        var (lifetimeSketches, windowSketches) = profile.ReadAll();
        var (lifetime, window) = (lifetimeSketches.Tensors, windowSketches.Tensors);
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
                var categorical = baseline is not null && CategoricalFeatures.IsCategorical(layout, baseline, profile.Options.CategoricalMaxDistinct);
                var lifetimeScore = Score(baseline, lifetime[t][f], categorical);
                var windowScore = Score(baseline, window[t][f], categorical);
                var lifetimeLevel = lifetimeScore is { } l ? thresholds.Classify(l) : DriftLevel.None;
                var windowLevel = windowScore is { } w ? thresholds.Classify(w) : DriftLevel.None;
                Count(lifetimeScore, lifetimeLevel, ref lifetimeScored, ref lifetimeWarning, ref lifetimeDrift);
                Count(windowScore, windowLevel, ref windowScored, ref windowWarning, ref windowDrift);
                features[f] = new FeatureDrift(f, names[f], lifetime[t][f].Moments, lifetimeScore, lifetimeLevel, windowScore, windowLevel, window[t][f].Moments.Count)
                {
                    LifetimeQuantiles = Quantiles(lifetime[t][f].Quantiles),
                    WindowQuantiles = Quantiles(window[t][f].Quantiles),
                    Categorical = categorical,
                    Categories = categorical && baseline!.Categories is { } categories ? CategoryShare.Of(categories, lifetime[t][f].Categories, window[t][f].Categories) : [],
                };
            }

            var classes = PredictedClasses.Applies(layout);
            tensors.Add(new TensorDrift(layout.Name, layout.Kind, layout.PerColumn, features)
            {
                LifetimeClassShares = classes ? PredictedClasses.Shares(lifetimeSketches.ClassCounts[t]) : null,
                WindowClassShares = classes ? PredictedClasses.Shares(windowSketches.ClassCounts[t]) : null,
            });
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
    private static DriftScore? Score(ReferenceFeature? baseline, FeatureSketch current, bool categorical) =>
        baseline is not null && current.Moments.Count + current.Moments.NaNCount + current.Moments.InfinityCount > 0
            ? DriftScore.Compute(new DriftComparison(baseline, current.Quantiles, current.Moments, categorical ? current.Categories : null))
            : null;

    private static double[] Quantiles(KllSketch sketch) =>
        [.. FeatureDrift.ReportedQuantiles.Select(q => sketch.IsEmpty ? double.NaN : sketch.Quantile(q))];

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
