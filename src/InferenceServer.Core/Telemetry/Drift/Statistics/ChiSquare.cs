namespace InferenceServer.Core.Telemetry.Drift;

public static partial class DriftStatistics
{
    /// <summary>
    /// Pearson's χ² of a categorical feature's category counts against the reference's (a test of homogeneity,
    /// <see cref="CategoryComparison"/>); NaN for a numeric feature. A test statistic: it grows with the counts.
    /// </summary>
    public static readonly DriftStatistic ChiSquare = Register(
        "chi_square",
        "Chi-square statistic of a categorical feature's category counts against the version's reference",
        static c => c.Categories?.ChiSquare ?? double.NaN);
}
