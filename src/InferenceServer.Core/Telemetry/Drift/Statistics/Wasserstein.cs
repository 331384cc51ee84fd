namespace InferenceServer.Core.Telemetry.Drift;

public static partial class DriftStatistics
{
    /// <summary>
    /// Wasserstein-1 distance between the sketches divided by the reference's standard deviation (by 1 when the
    /// reference is constant): "how many reference standard deviations the mass moved". An effect size, so it
    /// does not grow with the sample size, unlike a test statistic's significance. Evidently's default above
    /// 1,000 rows, and Azure ML's "normalised Wasserstein".
    /// </summary>
    public static readonly DriftStatistic Wasserstein = Register(
        "wasserstein",
        "Wasserstein-1 distance of a feature from the version's reference, in reference standard deviations",
        static c => c.HasDistribution ? DriftScores.Wasserstein(c.Reference.Sketch, c.Current) / c.Reference.Scale : double.NaN);
}
