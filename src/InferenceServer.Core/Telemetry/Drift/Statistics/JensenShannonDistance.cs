namespace InferenceServer.Core.Telemetry.Drift;

public static partial class DriftStatistics
{
    /// <summary>
    /// Jensen–Shannon distance (√ of the base-2 divergence), in [0, 1]: over the reference's decile bins for a numeric
    /// feature, over the category shares for a categorical one (where it decides, NannyML's default).
    /// </summary>
    public static readonly DriftStatistic JensenShannon = Register(
        "js_distance",
        "Jensen-Shannon distance (base 2) of a feature against the version's reference: decile bins, or category shares for a categorical feature",
        static c => c.Categories is { } categories ? categories.JensenShannonDistance
            : c.HasDistribution ? DriftScores.JensenShannonDistance(c.Reference.Bins!.ReferenceProportions, c.CurrentShares) : double.NaN);
}
