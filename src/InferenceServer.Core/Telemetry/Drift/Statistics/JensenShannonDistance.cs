namespace InferenceServer.Core.Telemetry.Drift;

public static partial class DriftStatistics
{
    /// <summary>Jensen–Shannon distance (√ of the base-2 divergence) over the reference's decile bins, in [0, 1].</summary>
    public static readonly DriftStatistic JensenShannon = Register(
        "js_distance",
        "Jensen-Shannon distance (base 2) of a feature against the version's reference",
        static c => c.HasDistribution ? DriftScores.JensenShannonDistance(c.Reference.Bins!.ReferenceProportions, c.CurrentShares) : double.NaN);
}
