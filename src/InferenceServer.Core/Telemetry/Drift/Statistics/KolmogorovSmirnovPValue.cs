namespace InferenceServer.Core.Telemetry.Drift;

public static partial class DriftStatistics
{
    /// <summary>
    /// The KS statistic's asymptotic p-value for the two sample sizes (<see cref="DriftScores.KolmogorovSmirnovPValue"/>).
    /// The sketched statistic carries the sketches' rank error (about 1.3 % each), so at large sample sizes the
    /// p-value reads that error as a difference: it is a guard against chance at small sizes, not a measure of size.
    /// </summary>
    public static readonly DriftStatistic KolmogorovSmirnovPValue = Register(
        "ks_p_value",
        "Asymptotic p-value of the Kolmogorov-Smirnov statistic for the reference and current sample sizes",
        static c => c.HasDistribution ? DriftScores.KolmogorovSmirnovPValue(c.KolmogorovSmirnov, c.Reference.Sketch.Count, c.Current.Count) : double.NaN);
}
