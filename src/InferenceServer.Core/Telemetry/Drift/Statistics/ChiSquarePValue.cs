namespace InferenceServer.Core.Telemetry.Drift;

public static partial class DriftStatistics
{
    /// <summary>
    /// The p-value of <see cref="ChiSquare"/> (χ² survival function, degrees of freedom = categories − 1): the gate a
    /// categorical feature's Jensen–Shannon distance must pass to count, as the KS p-value gates a numeric feature's
    /// Wasserstein distance. NaN for a numeric feature.
    /// </summary>
    public static readonly DriftStatistic ChiSquarePValue = Register(
        "chi_square_p_value",
        "P-value of the chi-square statistic of a categorical feature against the version's reference",
        static c => c.Categories?.PValue ?? double.NaN);
}
